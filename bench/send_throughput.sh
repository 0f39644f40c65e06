#!/usr/bin/env bash
# Messages per second through Postfix's smtp-sink on one connection:
# `smtpkit send --repeat N` (send_many, pipelined across messages) against
# Python's smtplib sending the same N messages on one connection (one
# command at a time, as smtplib does). Loopback only; smtp-sink offers
# PIPELINING (not CHUNKING), so smtpkit takes the pipelined DATA path.
#
#   bench/send_throughput.sh [SMTPKIT_BINARY] [N]     (defaults: build/smtpkit, 2000)
#
# Prints each side's messages/s (wall clock, connection and QUIT included)
# and the ratio. Use a Release build for meaningful numbers.
set -euo pipefail

SMTPKIT=${1:-build/smtpkit}
N=${2:-2000}
PYTHON=/usr/bin/python3  # Debian's, as for aiosmtpd; smtplib is in the standard library

[[ -x $SMTPKIT ]] || { echo "no smtpkit binary at $SMTPKIT (build the smtpkit_cli target)" >&2; exit 1; }
# shellcheck source=bench/sink.sh
source "$(dirname "$0")/sink.sh"
start_sink -c

# The same small message both ways: headers and a few lines of text.
text=$'A benchmark message.\nIt has a few lines of text,\n.and one that starts with a dot.'

start=$(date +%s.%N)
"$SMTPKIT" send --server 127.0.0.1 --port "$port" --from bench@example.com \
    --to sink@example.com --subject "throughput" --text "$text" --repeat "$N" --json \
    > /tmp/smtpkit-bench-$$.json
end=$(date +%s.%N)
delivered=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch"]["delivered"])' \
    /tmp/smtpkit-bench-$$.json)
rm -f /tmp/smtpkit-bench-$$.json
[[ $delivered -eq $N ]] || { echo "smtpkit delivered $delivered of $N" >&2; exit 1; }
smtpkit_rate=$("$PYTHON" -c "print($N / ($end - $start))")

python_rate=$("$PYTHON" - "$port" "$N" <<'PY'
import smtplib, sys, time
from email.message import EmailMessage

port, n = int(sys.argv[1]), int(sys.argv[2])
msg = EmailMessage()
msg["From"] = "bench@example.com"
msg["To"] = "sink@example.com"
msg["Subject"] = "throughput"
msg.set_content("A benchmark message.\nIt has a few lines of text,\n.and one that starts with a dot.")
data = msg.as_bytes()
start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", port, local_hostname="bench.example.com") as s:
    for _ in range(n):
        refused = s.sendmail("bench@example.com", ["sink@example.com"], data)
        assert not refused
print(n / (time.perf_counter() - start))
PY
)

printf 'messages: %d through smtp-sink on 127.0.0.1:%s, one connection each\n' "$N" "$port"
printf 'smtpkit send --repeat (send_many): %10.0f messages/s\n' "$smtpkit_rate"
printf 'python3 smtplib:                   %10.0f messages/s\n' "$python_rate"
"$PYTHON" -c "print('ratio smtpkit/smtplib: %.2fx' % ($smtpkit_rate / $python_rate))"
