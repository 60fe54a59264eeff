#!/usr/bin/env bash
# CLI tests for `chartd render`: exit codes, one clear line on stderr, valid images, no partial files.
set -u
BIN=${CHARTD_BIN:-build/chartd}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0; passed=0

pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_ok NAME OUTFILE MAGIC-REGEX -- ARGS...: exit 0, output starts with the format's signature.
expect_ok() {
  local name=$1 out=$2 magic=$3; shift 4
  if ! "$BIN" render "$@" 2>"$TMP/err"; then fail "$name: exit $? ($(cat "$TMP/err"))"; return; fi
  if ! head -c 8 "$out" | LC_ALL=C grep -aqE "$magic"; then fail "$name: $out does not start with $magic"; return; fi
  pass
}

# expect_error NAME EXPECTED-STDERR-REGEX -- ARGS...: exit != 0, exactly one stderr line matching.
expect_error() {
  local name=$1 pattern=$2; shift 3
  "$BIN" render "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ $rc -eq 0 ]; then fail "$name: exit 0, expected an error"; return; fi
  local lines; lines=$(wc -l <"$TMP/err")
  if [ "$lines" -ne 1 ]; then fail "$name: expected one stderr line, got $lines: $(cat "$TMP/err")"; return; fi
  if ! grep -qE "$pattern" "$TMP/err"; then fail "$name: stderr '$(cat "$TMP/err")' does not match '$pattern'"; return; fi
  pass
}

expect_ok png "$TMP/bar.png" '^.PNG' -- examples/bar.json -o "$TMP/bar.png"
expect_ok svg "$TMP/bar.svg" '^<\?xml|^<svg' -- examples/bar.json -o "$TMP/bar.svg"
expect_ok pdf "$TMP/bar.pdf" '^%PDF' -- examples/bar.json -o "$TMP/bar.pdf"
expect_ok format-flag "$TMP/bar.out" '^<\?xml|^<svg' -- examples/bar.json --format svg -o "$TMP/bar.out"

# --scene writes the scene next to the image: JSON with the canvas size and the drawn texts.
expect_ok scene "$TMP/scene.png" '^.PNG' -- examples/bar.json --width 480 --height 320 -o "$TMP/scene.png" --scene "$TMP/scene.json"
if /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert (s["width"], s["height"]) == (480, 320), (s["width"], s["height"])
roles = {i["role"] for i in s["items"] if i["kind"] == "text"}
assert {"title", "tick-label"} <= roles, roles
assert all(0 <= i["x"] and i["x"] + i["w"] <= 480.5 for i in s["items"] if i["kind"] == "text")
' "$TMP/scene.json" 2>"$TMP/err"; then pass; else fail "scene: $(tail -1 "$TMP/err")"; fi

# --scale 2 doubles the pixels: PNG width and height sit at bytes 17-24 of the IHDR chunk.
if "$BIN" render examples/bar.json --theme dark --width 1200 --height 700 --scale 2 -o "$TMP/big.png" 2>"$TMP/err"; then
  dims=$(od -An -tu1 -j16 -N8 "$TMP/big.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
  [ "$dims" = "2400 1400" ] && pass || fail "scale 2: PNG is $dims, expected 2400 1400"
else
  fail "scale 2: exit $? ($(cat "$TMP/err"))"
fi

# -o - writes the image to stdout.
if "$BIN" render examples/bar.json --format svg -o - >"$TMP/stdout.svg" 2>"$TMP/err" && grep -q '</svg>' "$TMP/stdout.svg"; then
  pass
else
  fail "stdout: no SVG on stdout ($(cat "$TMP/err"))"
fi

printf '{"type": "bar",\n  "data": [1, 2\n' >"$TMP/broken.json"
sed 's/"revenue", "type"/"revnue", "type"/' examples/bar.json >"$TMP/typo.json"
sed 's/"width": 800/"width": 10/' examples/bar.json >"$TMP/narrow.json"

expect_error missing-file 'nope\.json.*No such file' -- "$TMP/nope.json" -o "$TMP/x.png"
expect_error invalid-json 'broken\.json: invalid JSON at line [0-9]+, column [0-9]+' -- "$TMP/broken.json" -o "$TMP/x.png"
expect_error invalid-spec 'encoding\.y\.field: no column "revnue"' -- "$TMP/typo.json" -o "$TMP/x.png"
expect_error width-range 'width: .*16.*8192' -- "$TMP/narrow.json" -o "$TMP/x.png"
expect_error unknown-theme 'unknown theme "neon"; available themes are .*dark.*light' -- examples/bar.json --theme neon -o "$TMP/x.png"
expect_error bad-format 'format: .*png.*svg.*pdf' -- examples/bar.json -o "$TMP/x.jpg"
expect_error unwritable 'cannot write /nonexistent-dir/x\.png' -- examples/bar.json -o /nonexistent-dir/x.png
[ ! -e "$TMP/x.png" ] && [ -z "$(ls "$TMP" | grep partial)" ] && pass || fail "a failed render left a file behind"

# An existing output survives a failed render untouched.
echo keep >"$TMP/keep.png"
"$BIN" render "$TMP/typo.json" -o "$TMP/keep.png" 2>/dev/null
[ "$(cat "$TMP/keep.png")" = keep ] && pass || fail "failed render replaced an existing file"

# A Vega-Lite spec: the image is written, what chartd does not draw is one warning line each
# on stderr, and data.url reads only from CHARTD_DATA_DIR.
mkdir -p "$TMP/data"
printf 'k,v\nA,3\nB,5\n' >"$TMP/data/kv.csv"
cat >"$TMP/vl.json" <<'JSON'
{"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"url": "kv.csv"},
 "mark": {"type": "bar", "cornerRadius": 3}, "config": {"axis": {"domainColor": "red"}},
 "encoding": {"x": {"field": "k"}, "y": {"field": "v", "type": "quantitative"}}}
JSON
if CHARTD_DATA_DIR="$TMP/data" "$BIN" render "$TMP/vl.json" -o "$TMP/vl.png" 2>"$TMP/err"; then
  warnings=$(grep -c '^chartd render: warning: ' "$TMP/err")
  { [ "$warnings" -eq 2 ] && grep -q 'mark.cornerRadius' "$TMP/err" && grep -q "config.axis.domainColor" "$TMP/err" \
    && head -c 8 "$TMP/vl.png" | LC_ALL=C grep -aq PNG; } && pass || fail "vega-lite warnings: $(cat "$TMP/err")"
else
  fail "vega-lite render: $(cat "$TMP/err")"
fi
CHARTD_DATA_DIR="" expect_error vl-no-data-dir 'data\.url: data\.url needs a data folder: set CHARTD_DATA_DIR' -- "$TMP/vl.json" -o "$TMP/x.png"
sed 's#"kv.csv"#"../data/kv.csv"#' "$TMP/vl.json" >"$TMP/vl-out.json"
CHARTD_DATA_DIR="$TMP/data" expect_error vl-traversal 'data\.url: "\.\./data/kv\.csv" leaves the data folder' -- "$TMP/vl-out.json" -o "$TMP/x.png"

# --data FILE replaces the spec's data: a million-row CSV (a random walk), JSON records.
printf '{"type": "line", "encoding": {"x": {"field": "t", "type": "quantitative"}, "y": {"field": "v", "type": "quantitative"}}}' >"$TMP/line.json"
awk 'BEGIN { srand(7); print "t,v"; v = 0; for (i = 0; i < 1000000; i++) { v += rand() - 0.5; printf "%d,%.3f\n", i, v } }' >"$TMP/million.csv"
expect_ok data-csv "$TMP/million.png" '^.PNG' -- "$TMP/line.json" --data "$TMP/million.csv" -o "$TMP/million.png"
printf '[{"t": 1, "v": 2}, {"t": 2, "v": 5}, {"t": 3, "v": 3}]' >"$TMP/records.json"
expect_ok data-json "$TMP/records.svg" '^<\?xml|^<svg' -- "$TMP/line.json" --data "$TMP/records.json" -o "$TMP/records.svg"
printf 'a,b\n1,2\n' >"$TMP/other.csv"
expect_error data-columns 'other\.csv|encoding\.x\.field: no column "t"' -- "$TMP/line.json" --data "$TMP/other.csv" -o "$TMP/x.png"
printf 't,v\n1,2\n"3,4\n' >"$TMP/bad.csv"
expect_error data-bad-csv 'bad\.csv: data: invalid CSV: line 3' -- "$TMP/line.json" --data "$TMP/bad.csv" -o "$TMP/x.png"
expect_error data-missing 'nope\.csv.*No such file' -- "$TMP/line.json" --data "$TMP/nope.csv" -o "$TMP/x.png"

echo "$passed passed, $failures failed"
[ $failures -eq 0 ]
