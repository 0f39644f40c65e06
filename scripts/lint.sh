#!/usr/bin/env bash
# make lint: clang-format in check mode on every tracked C++ file, then
# clang-tidy (the checked-in .clang-tidy) on every source of the library, the
# facade and the tool. Any finding fails.
#   lint.sh [BUILD_DIR] [JOBS]     BUILD_DIR holds compile_commands.json
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
jobs=${2:-$(nproc)}

mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"

test -f "$build/compile_commands.json" || { echo "no $build/compile_commands.json: configure first"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run-clang-tidy -p "$build" -j "$jobs" -quiet "$(pwd)/src/.*\.cpp$" >"$log" 2>&1 || true
if grep -qE "(warning|error): " "$log"; then
    grep -E -A3 "(warning|error): " "$log"
    echo "clang-tidy: findings above"
    exit 1
fi
echo "clang-tidy: $(grep -c '^clang-tidy' "$log") sources clean"
