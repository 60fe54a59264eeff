#!/usr/bin/env bash
# .ci/run must call the README's test command exactly (the README's promise to a new user).
set -u
cmd=$(grep -m1 -E '^\./scripts/setup\.sh .*ctest ' README.md)
if [ -z "$cmd" ]; then echo "FAIL: no test command (./scripts/setup.sh ... ctest ...) in README.md"; echo "0 passed, 1 failed"; exit 1; fi
if grep -qxF "$cmd" .ci/run; then
  echo "1 passed, 0 failed"
else
  echo "FAIL: .ci/run does not contain the README test command: $cmd"; echo "0 passed, 1 failed"; exit 1
fi
