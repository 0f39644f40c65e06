#!/bin/sh
# The README's DKIM example is the code the integration tests run: every
# line of the first C++ block under "### DKIM signing" must appear in
# examples/dkim/sign_and_send.cpp (runs of blanks aside: clang-format aligns
# comments there).
# Usage: check_readme_example.sh README.md EXAMPLE.cpp
set -eu
readme=$1
example=$2
block=$(awk '/^### DKIM signing/ { section = 1; next }
             section && /^```cpp/ { inside = 1; next }
             inside && /^```$/ { exit }
             inside { sub(/^ +/, ""); gsub(/  +/, " "); print }' "$readme")
code=$(sed 's/^ *//; s/  */ /g' "$example")
if [ -z "$block" ]; then
    echo "no C++ block under '### DKIM signing' in $readme"
    exit 1
fi
printf '%s\n' "$block" | while IFS= read -r line; do
    if [ -n "$line" ] && ! printf '%s\n' "$code" | grep -qF -- "$line"; then
        printf 'README line not in %s: %s\n' "$example" "$line"
        exit 1
    fi
done
