#!/usr/bin/env bash
# Prints the fault-injection matrix as Markdown, from a run of its test
# (tests/scripted/fault_matrix_test.cpp): one row per step x fault with the
# call that failed, the error, the step the client named, and both verdicts.
#   reliability_table.sh [BUILD_DIR]   (docs/reliability.md holds its output)
set -euo pipefail
build=${1:-build}
echo "| step | fault | call that failed | error | where (last_error_detail) | message 1 | message 2 |"
echo "|---|---|---|---|---|---|---|"
"$build/tests/scripted_tests" --gtest_filter='EveryStepAndFault/*' 2>/dev/null |
    grep '^matrix|' | awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, ($6 == "" ? "-" : $6), $7, $8 }'
