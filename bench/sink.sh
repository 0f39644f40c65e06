# Sourced by the bench scripts: start_sink [SMTP_SINK_OPTIONS...] starts
# Postfix's smtp-sink on a free loopback port (as nobody when root), sets
# $port, waits until it listens, and stops it when the script exits.
start_sink() {
    local sink
    sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
    [[ -x $sink ]] || { echo "smtp-sink not found (apt-get install postfix)" >&2; exit 1; }
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local args=("$@" 127.0.0.1:"$port" 256)
    [[ $(id -u) -eq 0 ]] && args=(-u nobody "${args[@]}")
    "$sink" "${args[@]}" > /dev/null 2>&1 &
    sink_pid=$!
    trap 'kill "$sink_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
        (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "smtp-sink did not start on port $port" >&2
    exit 1
}
