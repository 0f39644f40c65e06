#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each. Seeds come from
# tests/fuzz/corpus/<target>/; new inputs go to a scratch copy, so the
# repository's seed corpus stays small and reviewed.
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [[ -x $bin && ! -d $bin ]] || continue
  name=$(basename "$bin")
  work="$build/fuzz-work/$name"
  mkdir -p "$work"
  cp -n "$root/tests/fuzz/corpus/$name/"* "$work/" 2>/dev/null || true
  echo "== fuzzing $name for ${seconds}s"
  # A failing input is written next to the scratch corpus, not where the
  # script was started.
  "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-work/$name-" "$work" || status=1
done
exit $status
