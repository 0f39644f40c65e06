#!/bin/sh
# The README's DKIM example is the code the integration tests run: every
# line of the first C++ block under "### DKIM signing" must appear (leading
# blanks aside) in examples/dkim/sign_and_send.cpp.
# Usage: check_readme_example.sh README.md EXAMPLE.cpp
set -eu
readme=$1
example=$2
block=$(awk '/^### DKIM signing/ { section = 1; next }
             section && /^```cpp/ { inside = 1; next }
             inside && /^```$/ { exit }
             inside { sub(/^ +/, ""); print }' "$readme")
if [ -z "$block" ]; then
    echo "no C++ block under '### DKIM signing' in $readme"
    exit 1
fi
echo "$block" | while IFS= read -r line; do
    if [ -n "$line" ] && ! grep -qF -- "$line" "$example"; then
        echo "README line not in $example: $line"
        exit 1
    fi
done
