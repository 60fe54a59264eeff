#!/usr/bin/env bash
# CLI tests for `chartd ask`: a PNG from a prompt alone and from a prompt with CSV data,
# the same seed twice gives the same bytes, and bad input exits non-zero with one stderr line.
set -u
BIN=${CHARTD_BIN:-build/chartd}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0; passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# the offline planner, whatever the caller's environment says
unset OPENAI_API_KEY LLM_PROVIDER

png_dims() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }

if "$BIN" ask "quarterly revenue 2023-2024 for EMEA, APAC and Americas" --width 640 --height 400 --seed 3 \
    -o "$TMP/a.png" 2>"$TMP/err"; then
  [ "$(png_dims "$TMP/a.png")" = "640 400" ] && pass || fail "prompt only: PNG is $(png_dims "$TMP/a.png")"
  [ -s "$TMP/err" ] && fail "prompt only: stderr not empty: $(cat "$TMP/err")" || pass
else
  fail "prompt only: exit $? ($(cat "$TMP/err"))"
fi

"$BIN" ask "quarterly revenue 2023-2024 for EMEA, APAC and Americas" --width 640 --height 400 --seed 3 \
  -o "$TMP/b.png" 2>/dev/null
cmp -s "$TMP/a.png" "$TMP/b.png" && pass || fail "same seed: the two PNGs differ"
"$BIN" ask "quarterly revenue 2023-2024 for EMEA, APAC and Americas" --width 640 --height 400 --seed 4 \
  -o "$TMP/c.png" 2>/dev/null
cmp -s "$TMP/a.png" "$TMP/c.png" && fail "another seed: the PNGs are identical" || pass

printf 'month,revenue\n2024-01,10\n2024-02,20\n2024-03,15\n' >"$TMP/d.csv"
if "$BIN" ask "revenue by month" --data "$TMP/d.csv" -o "$TMP/d.svg" 2>"$TMP/err"; then
  grep -q "<svg" "$TMP/d.svg" && pass || fail "with data: no SVG written"
else
  fail "with data: exit $? ($(cat "$TMP/err"))"
fi

# expect_error NAME REGEX ARGS...: exit != 0, exactly one stderr line matching REGEX.
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$BIN" ask "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ $rc -eq 0 ]; then fail "$name: exit 0, expected an error"; return; fi
  local lines; lines=$(wc -l <"$TMP/err")
  if [ "$lines" -ne 1 ]; then fail "$name: expected one stderr line, got $lines: $(cat "$TMP/err")"; return; fi
  grep -qE "$pattern" "$TMP/err" && pass || fail "$name: stderr '$(cat "$TMP/err")' does not match '$pattern'"
}

expect_error no-output '^chartd ask: missing -o OUT' "revenue by month"
expect_error no-request '^chartd ask: expected a REQUEST' -o "$TMP/x.png"
expect_error missing-data '^chartd ask: .*nope\.csv' "revenue by month" --data "$TMP/nope.csv" -o "$TMP/x.png"
expect_error bad-seed '^chartd ask: --seed' "revenue by month" --seed abc -o "$TMP/x.png"
expect_error bad-theme '^chartd ask: .*theme' "revenue by month" --theme neon -o "$TMP/x.png"
[ -e "$TMP/x.png" ] && fail "a failed ask left $TMP/x.png" || pass

echo "test_ask: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
