#!/usr/bin/env bash
# smtpkit::Mailer's messages/s with 1, 10 and 100 sessions through Postfix's
# smtp-sink, each with a quota of 100 messages per session, beside
# nodemailer's pool with the same settings (maxConnections, maxMessages) when
# npm can install nodemailer (optional: skipped otherwise). Loopback only.
# Medians of RUNS runs (default 3); the ratio is smtpkit's over nodemailer's.
#
#   bench/mailer_throughput.sh [BENCH_BINARY] [N]   (defaults: build/bench/smtpkit_bench_mailer, 5000)
set -euo pipefail

BIN=${1:-build/bench/smtpkit_bench_mailer}
N=${2:-5000}
[[ -x $BIN ]] || { echo "no $BIN (build the smtpkit_bench_mailer target)" >&2; exit 1; }
# shellcheck source=bench/sink.sh
source "$(dirname "$0")/sink.sh"
start_sink -c

node_dir=""
if command -v npm > /dev/null && command -v node > /dev/null; then
    node_dir=$(mktemp -d)
    trap 'kill "$sink_pid" 2>/dev/null || true; rm -rf "$node_dir"' EXIT
    if ! (cd "$node_dir" && npm install --silent --no-audit --no-fund nodemailer > /dev/null 2>&1); then
        echo "(nodemailer could not be installed: smtpkit only)"
        node_dir=""
    fi
fi

nodemailer_rate() {  # SESSIONS
    (cd "$node_dir" && node - "$port" "$1" "$N" <<'JS'
const nodemailer = require('nodemailer');
const [port, sessions, n] = process.argv.slice(2).map(Number);
const t = nodemailer.createTransport({host: '127.0.0.1', port, secure: false, ignoreTLS: true,
    pool: true, maxConnections: sessions, maxMessages: 100});
const start = process.hrtime.bigint();
let done = 0, ok = 0;
for (let i = 0; i < n; i++) {
    t.sendMail({from: 'bench@example.com', to: 'sink@example.com', subject: 'throughput ' + i,
        text: 'A benchmark message.\nIt has a few lines of text.\n'}, (err) => {
        if (!err) ok++;
        if (++done === n) {
            const s = Number(process.hrtime.bigint() - start) / 1e9;
            console.log(Math.round(n / s) + ' ' + ok);
            t.close();
        }
    });
}
JS
    )
}

# Each figure is the median of RUNS runs (3 by default), the two clients
# taking turns so that a busy moment of the machine falls on both.
RUNS=${RUNS:-3}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-9s %26s %26s %8s\n' sessions "smtpkit Mailer msg/s" "nodemailer pool msg/s" ratio
for sessions in 1 10 100; do
    ours_runs=() theirs_runs=() ours_ok=0 theirs_ok="-"
    for _ in $(seq "$RUNS"); do
        read -r rate ours_ok < <("$BIN" "$port" "$sessions" "$N")
        ours_runs+=("$rate")
        if [[ -n $node_dir ]]; then
            read -r rate theirs_ok < <(nodemailer_rate "$sessions")
            theirs_runs+=("$rate")
        fi
    done
    ours=$(printf '%s\n' "${ours_runs[@]}" | median)
    theirs="-" ratio="-"
    if ((${#theirs_runs[@]})); then
        theirs=$(printf '%s\n' "${theirs_runs[@]}" | median)
        ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1fx", a / b }')
    fi
    printf '%-9s %26s %26s %8s\n' "$sessions" "$ours ($ours_ok/$N ok)" \
        "$theirs ($theirs_ok/$N ok)" "$ratio"
done
