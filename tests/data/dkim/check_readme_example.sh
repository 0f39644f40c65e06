#!/bin/sh
# A README example is code the integration tests run: every line of the
# first C++ block under a heading must appear in the example's source file
# (runs of blanks aside: clang-format aligns comments there).
# Usage: check_readme_example.sh README.md EXAMPLE.cpp [HEADING]
# HEADING: the start of the heading line (default "### DKIM signing", for
# examples/dkim/sign_and_send.cpp).
set -eu
readme=$1
example=$2
heading=${3:-"### DKIM signing"}
block=$(awk -v heading="$heading" '
             index($0, heading) == 1 { section = 1; next }
             section && /^```cpp/ { inside = 1; next }
             inside && /^```$/ { exit }
             inside { sub(/^ +/, ""); gsub(/  +/, " "); print }' "$readme")
code=$(sed 's/^ *//; s/  */ /g' "$example")
if [ -z "$block" ]; then
    echo "no C++ block under '$heading' in $readme"
    exit 1
fi
printf '%s\n' "$block" | while IFS= read -r line; do
    if [ -n "$line" ] && ! printf '%s\n' "$code" | grep -qF -- "$line"; then
        printf 'README line not in %s: %s\n' "$example" "$line"
        exit 1
    fi
done
