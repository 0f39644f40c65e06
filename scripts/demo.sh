#!/usr/bin/env bash
# The `make demo` job: starts a private Postfix on 127.0.0.1 (its own config,
# queue and mailboxes under BUILD_DIR/demo-postfix; the system's Postfix
# configuration is not touched), sends one message with `smtpkit send
# --trace`, waits for local delivery, prints the message as Postfix stored it
# (mbox), and stops Postfix again, also when a step fails.
#
# Usage: scripts/demo.sh BUILD_DIR      (the CLI is BUILD_DIR/smtpkit)
# Needs root and the packages from scripts/install-deps.sh.
set -euo pipefail

die() { echo "demo: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 BUILD_DIR"
build=$(cd "$1" && pwd) || die "no build directory $1"
cli=$build/smtpkit
[[ -x $cli ]] || die "$cli not found: build the project first"
[[ $(id -u) -eq 0 ]] || die "needs root (Postfix's master process runs as root)"
for tool in postconf postfix; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh"
done
master=$(postconf -dh daemon_directory)/master
[[ -x $master ]] || die "$master not found: run scripts/install-deps.sh"

dir=$build/demo-postfix
# Postfix's daemons run as user postfix and must reach the queue; a build
# directory under a private home (e.g. /root) is out of their reach.
if ! mkdir -p "$dir" || ! runuser -u postfix -- test -x "$dir"; then
  dir=$(mktemp -d /tmp/smtpkit-demo-postfix.XXXXXX)
  echo "demo: user postfix cannot reach $build; using $dir instead"
fi

master_pid=
stop_postfix() {
  [[ -n $master_pid ]] || return 0
  kill -TERM "$master_pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$master_pid" 2>/dev/null || break
    sleep 0.1
  done
  # master leads its own process group: take its daemons down with it.
  kill -KILL -- "-$master_pid" 2>/dev/null || true
  wait "$master_pid" 2>/dev/null || true
  master_pid=
}
trap stop_postfix EXIT
trap 'exit 130' INT TERM

# A demo left running by an interrupted earlier run (it would hold the queue).
if [[ -s $dir/spool/pid/master.pid ]]; then
  old=$(tr -d ' \n' <"$dir/spool/pid/master.pid")
  if [[ $old =~ ^[0-9]+$ ]] && grep -qa -- "$dir/etc" "/proc/$old/cmdline" 2>/dev/null; then
    kill -TERM "$old" 2>/dev/null || true
    sleep 1
  fi
fi
rm -rf "${dir:?}"/{etc,spool,data,mail,postfix.log}

# ---- configure: the recipe from shared/ENVIRONMENT.md --------------------------
mkdir -p "$dir"/{etc,spool,data,mail}
chmod 0755 "$dir"
chmod 1777 "$dir/mail"
chown -R postfix "$dir/data"
cp /etc/postfix/master.cf.proto "$dir/etc/master.cf"
cp /usr/share/postfix/main.cf.debian "$dir/etc/main.cf"
cp /etc/postfix/dynamicmaps.cf "$dir/etc/"
pc() { postconf -c "$dir/etc" "$@"; }
pc -e "queue_directory=$dir/spool" "data_directory=$dir/data" \
  "mail_spool_directory=$dir/mail" "myhostname=demo.localdomain" \
  "mydestination=demo.localdomain, localhost" "inet_interfaces=127.0.0.1" \
  "inet_protocols=ipv4" "mynetworks=127.0.0.0/8" "maillog_file=/dev/stdout" \
  "compatibility_level=3.6" "alias_maps=" "alias_database=" "local_recipient_maps=" \
  "home_mailbox=" "smtputf8_enable=yes" \
  "smtpd_relay_restrictions=reject_unauth_destination" \
  "default_transport=error:outbound mail is disabled in the demo" \
  "relay_transport=error:outbound mail is disabled in the demo"
pc -F '*/*/chroot = n'
pc -M# smtp/inet

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
greets() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf 'QUIT\r\n' >&3
    [[ $line == 220* ]]
  ) 2>/dev/null
}

# ---- start: master in the foreground, one PID to stop -------------------------
listener=
start_on() {  # port: configures the listener, starts master, waits for its 220
  [[ -z $listener ]] || pc -MX "$listener"
  listener=127.0.0.1:$1/inet
  pc -Me "$listener=127.0.0.1:$1 inet n - n - - smtpd"
  # Postfix re-reads a main.cf modified in the last seconds for up to 2 s.
  touch -d '-1 minute' "$dir/etc/main.cf" "$dir/etc/master.cf"
  postfix -c "$dir/etc" check || die "postfix check failed"
  "$master" -c "$dir/etc" -s >>"$dir/postfix.log" 2>&1 &
  master_pid=$!
  for _ in $(seq 150); do
    greets "$1" && return 0
    kill -0 "$master_pid" 2>/dev/null || return 1  # e.g. the port was taken meanwhile
    sleep 0.1
  done
  return 1
}

port=
for candidate in 2525 $((20000 + RANDOM % 30000)) $((20000 + RANDOM % 30000)); do
  port_in_use "$candidate" && continue
  if start_on "$candidate"; then
    port=$candidate
    break
  fi
  stop_postfix
done
if [[ -z $port ]]; then
  cat "$dir/postfix.log" >&2 || true
  die "Postfix did not start (errors before its logger starts go to syslog only)"
fi
echo "== private Postfix listening on 127.0.0.1:$port (config: $dir/etc)"

# ---- send ---------------------------------------------------------------------
echo "== $cli send ... --trace"
"$cli" send --server 127.0.0.1 --port "$port" --from demo@localhost --to root@localhost \
  --subject "Hello from smtpkit" \
  --text "This message was sent by the smtpkit CLI to a private Postfix on 127.0.0.1:$port." \
  --trace 2>&1  # the trace goes to stderr: keep it in order with the rest

# ---- wait for local delivery, then show it --------------------------------------
mbox=$dir/mail/root
for _ in $(seq 150); do
  grep -q 'status=sent (delivered to mailbox)' "$dir/postfix.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'status=sent (delivered to mailbox)' "$dir/postfix.log" ||
  { cat "$dir/postfix.log" >&2; die "no delivery within 15 s"; }
echo "== delivered; $mbox as Postfix stored it:"
cat "$mbox"
echo "== Postfix log: $dir/postfix.log"
