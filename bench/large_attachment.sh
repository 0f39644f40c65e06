#!/usr/bin/env bash
# A 1 GB attachment (or SIZE_MB) sent through Postfix's smtp-sink with the
# message layer streaming it: prints the time and the client's peak RSS
# growth, which must stay flat (a few MB) whatever the size.
#
#   bench/large_attachment.sh [BINARY] [SIZE_MB]   (defaults: build-bench/bench/smtpkit_bench_large_attachment, 1024)
set -euo pipefail

BINARY=${1:-build-bench/bench/smtpkit_bench_large_attachment}
SIZE_MB=${2:-1024}
PYTHON=/usr/bin/python3
SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
[[ -x $BINARY ]] || { echo "no benchmark binary at $BINARY" >&2; exit 1; }
[[ -x $SINK ]] || { echo "smtp-sink not found (apt-get install postfix)" >&2; exit 1; }

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_args=(127.0.0.1:"$port" 16)
[[ $(id -u) -eq 0 ]] && sink_args=(-u nobody "${sink_args[@]}")
"$SINK" "${sink_args[@]}" > /dev/null 2>&1 &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.1
done
"$BINARY" "$port" "$SIZE_MB"
