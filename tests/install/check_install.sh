#!/usr/bin/env bash
# Installs the build into a scratch prefix, then builds a consumer with
# find_package(smtpkit CONFIG) and another with pkg-config, and runs both far
# enough to prove they link and load (usage error, exit 64).
set -euo pipefail
build=${1:?build dir}
source_dir=${2:?source dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/smtpkit/smtpkit.hpp"
ls "$work"/prefix/lib*/libsmtpkit.a "$work"/prefix/lib*/libsmtpkit.so >/dev/null
ls "$work"/prefix/lib*/pkgconfig/smtpkit.pc >/dev/null
test -x "$work/prefix/bin/smtpkit"
# The man page, where man(1) looks for it (CMAKE_INSTALL_MANDIR/man1).
test -f "$work/prefix/share/man/man1/smtpkit.1"

# The public API is what is installed: the sans-I/O core keeps what its users
# need at the top of protocol/; internals are under protocol/detail/ (held by
# value in Session) or not installed at all.
inc="$work/prefix/include/smtpkit"
for public in session reply_parser capabilities command sasl address; do
    test -f "$inc/protocol/$public.hpp" || { echo "missing public header protocol/$public.hpp"; exit 1; }
done
for internal in chunk_encoder content_scanner data_encoder mail_parameters proxy_handshake; do
    if [[ -e "$inc/protocol/$internal.hpp" ]]; then
        echo "internal header protocol/$internal.hpp is installed as public API"; exit 1
    fi
done
if [[ -e "$inc/protocol/detail/proxy_handshake.hpp" ]]; then
    echo "the proxy handshake codec is installed; it is the transport's own"; exit 1
fi

# A sanitized build's library needs its runtime loaded first: the consumers
# are built with the same -fsanitize flags, as a user of such a build would.
sanitize=$(sed -n 's/^SMTPKIT_SANITIZE:STRING=//p' "$build/CMakeCache.txt")
san_flags=${sanitize:+-fsanitize=$sanitize}

cmake -S "$source_dir/examples/consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$san_flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$san_flags" >/dev/null
cmake --build "$work/consumer" >/dev/null
set +e
LD_LIBRARY_PATH=$(echo "$work"/prefix/lib*) "$work/consumer/send_one" 2>/dev/null
status=$?
set -e
[[ $status -eq 64 ]] || { echo "find_package consumer: exit $status, expected 64"; exit 1; }

export PKG_CONFIG_PATH=$(echo "$work"/prefix/lib*/pkgconfig)
# shellcheck disable=SC2046,SC2086
g++ -std=c++20 $san_flags "$source_dir/examples/consumer/send_one.cpp" -o "$work/send_one_pc" \
    $(pkg-config --cflags --libs smtpkit) -Wl,-rpath,$(echo "$work"/prefix/lib*)
set +e
"$work/send_one_pc" 2>/dev/null
status=$?
set -e
[[ $status -eq 64 ]] || { echo "pkg-config consumer: exit $status, expected 64"; exit 1; }
# The CSmtpClient examples, written as SocketTools documents the class:
# both ways too, each run to its usage error.
test -f "$inc/csmtpclient.h"
cmake -S "$source_dir/examples/csmtpclient" -B "$work/csmtpclient" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$san_flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$san_flags" >/dev/null
cmake --build "$work/csmtpclient" >/dev/null
for example in send_message submit_message; do
    set +e
    LD_LIBRARY_PATH=$(echo "$work"/prefix/lib*) "$work/csmtpclient/$example" 2>/dev/null
    status=$?
    set -e
    [[ $status -eq 64 ]] || { echo "find_package $example: exit $status, expected 64"; exit 1; }
    # shellcheck disable=SC2046,SC2086
    g++ -std=c++20 $san_flags "$source_dir/examples/csmtpclient/$example.cpp" -o "$work/${example}_pc" \
        $(pkg-config --cflags --libs smtpkit) -Wl,-rpath,$(echo "$work"/prefix/lib*)
    set +e
    "$work/${example}_pc" 2>/dev/null
    status=$?
    set -e
    [[ $status -eq 64 ]] || { echo "pkg-config $example: exit $status, expected 64"; exit 1; }
done
echo "install ok: find_package and pkg-config consumers build and run"
