#!/usr/bin/env bash
# Installs the Debian packages chartd needs that are missing; idempotent.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  liblua5.4-dev lua5.4 lua-cjson
  libwebsockets-dev libcap-dev libcurl4-openssl-dev libssl-dev
  libcairo2-dev libpango1.0-dev libpng-dev zlib1g-dev
  fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji
  lua-busted lua-check poppler-utils
  python3 python3-websockets curl
  libhiredis-dev redis-server nginx
)

# Optional: bench/render.py compares with matplotlib (not needed by any test).
if [ "${CHARTD_BENCH:-0}" = "1" ]; then PACKAGES+=(python3-matplotlib); fi

# The playground's browser test (tests/browser/) and the schema test (tests/e2e/test_schemas.py):
# Debian's chromium, Node with npm (any install that provides the commands), python3-jsonschema.
# CHARTD_BROWSER=0 leaves out chromium, Node and npm (the Docker build stage runs no tests).
PACKAGES+=(python3-jsonschema)
if [ "${CHARTD_BROWSER:-1}" = "1" ]; then
  PACKAGES+=(chromium)
  command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
  command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm dev dependencies, pinned by package-lock.json: playwright-core for the browser test (it
# drives /usr/bin/chromium: no browser download); vega, vega-lite and vega-datasets, the
# oracle of the Vega-Lite differential test, and @resvg/resvg-js (its prebuilt binary ships
# in the npm package) for the picture check. Nothing to do when node_modules already
# matches the lock file.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${CHARTD_BROWSER:-1}" = "1" ] && [ -f "$ROOT/package-lock.json" ]; then
  if [ ! -f "$ROOT/node_modules/playwright-core/package.json" ] \
     || [ ! -f "$ROOT/node_modules/vega-lite/package.json" ] \
     || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci (playwright-core, vega, vega-lite, vega-datasets, resvg)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
