#!/usr/bin/env bash
# A 1 GB attachment (or SIZE_MB) sent through Postfix's smtp-sink with the
# message layer streaming it: prints the time and the client's peak RSS
# growth, which must stay flat (a few MB) whatever the size.
#
#   bench/large_attachment.sh [BINARY] [SIZE_MB]   (defaults: build-bench/bench/smtpkit_bench_large_attachment, 1024)
set -euo pipefail

BINARY=${1:-build-bench/bench/smtpkit_bench_large_attachment}
SIZE_MB=${2:-1024}
[[ -x $BINARY ]] || { echo "no benchmark binary at $BINARY" >&2; exit 1; }

# shellcheck source=bench/sink.sh
source "$(dirname "$0")/sink.sh"
start_sink
"$BINARY" "$port" "$SIZE_MB"
