#!/usr/bin/env bash
# Installs every Debian package smtpkit builds, tests or demos with.
# Idempotent; run as root (or through sudo). Postfix is preseeded with
# "No configuration" so that installing it starts no system mail service.
set -euo pipefail

packages=(
  build-essential g++ clang libclang-rt-14-dev cmake ninja-build make pkg-config
  libasio-dev libssl-dev openssl libidn2-dev libidn-dev libcli11-dev nlohmann-json3-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy
  libtomlplusplus-dev bsd-mailx bsdutils groff-base
  postfix python3-aiosmtpd dovecot-core microsocks dante-server tinyproxy ca-certificates
  python3-dkim opendkim-tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
