#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang-14 in build-fuzz/ and runs each one.
# Installs clang-14 and libclang-rt-14-dev first when they are missing (sudo when not root).
#   scripts/fuzz.sh                 every harness for FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=600 scripts/fuzz.sh csv pattern    chosen harnesses, 10 minutes each
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh   install and build only (.ci/run then runs the fuzz/* ctest entries)
# New interesting inputs go to build-fuzz/fuzz-new/<harness>/ (copy good ones into
# tests/fuzz/corpus/<harness>/ by hand); a crash leaves crash-* in build-fuzz/ and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pkg in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

CC=clang-14 cmake -S . -B build-fuzz -DCHARTD_FUZZ=ON -DCHARTD_WERROR=ON >/dev/null
cmake --build build-fuzz -j2 --target fuzz_harnesses
[ "${FUZZ_BUILD_ONLY:-0}" = "1" ] && exit 0

seconds=${FUZZ_SECONDS:-60}
harnesses=("$@")
# Every harness has a seed corpus folder of its name.
[ ${#harnesses[@]} -gt 0 ] || mapfile -t harnesses < <(ls tests/fuzz/corpus)
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
for h in "${harnesses[@]}"; do
  mkdir -p "build-fuzz/fuzz-new/$h"
  echo "== fuzz_$h for ${seconds}s"
  (cd build-fuzz && ./"fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     "fuzz-new/$h" "../tests/fuzz/corpus/$h")
done
