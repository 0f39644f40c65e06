#!/usr/bin/env bash
# Checks that the installed tool and shared library are hardened: a PIE
# executable, full RELRO (GNU_RELRO + BIND_NOW), stack protector and
# fortified libc calls in use.
#   check_hardening.sh BUILD_DIR     (installs into a scratch prefix)
#   check_hardening.sh EXECUTABLE SHARED_LIBRARY
set -euo pipefail
if [[ $# -eq 1 ]]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cmake --install "$1" --prefix "$work/prefix" >/dev/null
    set -- "$work/prefix/bin/smtpkit" "$(echo "$work"/prefix/lib*/libsmtpkit.so)"
fi
exe=${1:?executable}
lib=${2:?shared library}

fail() { echo "not hardened: $*" >&2; exit 1; }

# Each listing is read whole before grep (grep -q would close the pipe early
# and pipefail would count readelf's SIGPIPE as a failure).
has() { grep -Eq "$1" <<<"$2"; }
has 'Type:[[:space:]]*DYN' "$(readelf -h "$exe")" || fail "$exe is not a position-independent executable"
for f in "$exe" "$lib"; do
    has GNU_RELRO "$(readelf -lW "$f")" || fail "$f has no RELRO segment"
    has 'BIND_NOW|FLAGS.*NOW' "$(readelf -dW "$f")" || fail "$f is not linked with -z now (partial RELRO only)"
done
has '__stack_chk_fail' "$(readelf -sW --dyn-syms "$lib")" || fail "$lib has no stack protector"
has '__[a-z0-9_]+_chk@' "$(readelf -sW --dyn-syms "$exe" "$lib")" || fail "no fortified libc call (_FORTIFY_SOURCE)"
echo "hardened: PIE, full RELRO, stack protector, _FORTIFY_SOURCE"
