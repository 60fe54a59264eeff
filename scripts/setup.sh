#!/usr/bin/env bash
# Installs the Debian packages chartd needs that are missing; idempotent.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  liblua5.4-dev lua5.4 lua-cjson
  libwebsockets-dev libcap-dev libcurl4-openssl-dev
  libcairo2-dev libpango1.0-dev libpng-dev zlib1g-dev
  fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji
  lua-busted lua-check
  python3 python3-websockets curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
