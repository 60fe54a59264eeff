#!/usr/bin/env bash
# The offline planner's accuracy on real chart requests: the shared dev set (cars.csv) and
# our own held-out requests about movies.csv and superstore.csv (tests/planner/heldout-*.jsonl),
# each scored by the shared scorer. Fails below 95% chart type or 85% all-exact on any set.
# Needs ../shared (eval/ and data/) beside the clone, or CHARTD_SHARED pointing at it.
set -u
BIN=${CHARTD_BIN:-build/chartd}
SHARED=${CHARTD_SHARED:-../shared}
MIN_CHART=${PLANNER_MIN_CHART:-0.95}
MIN_EXACT=${PLANNER_MIN_EXACT:-0.85}
# the offline planner, whatever the caller's environment says
unset OPENAI_API_KEY LLM_PROVIDER

if [ ! -f "$SHARED/eval/run_eval.py" ] || [ ! -f "$SHARED/eval/score.py" ] || [ ! -d "$SHARED/data" ]; then
  echo "FAIL: $SHARED/eval/run_eval.py, score.py or $SHARED/data is missing;" \
    "check out the shared folder beside the repo or set CHARTD_SHARED" >&2
  exit 1
fi
[ -x "$BIN" ] || { echo "FAIL: chartd binary $BIN not found (set CHARTD_BIN)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

failures=0
sets=("$SHARED/eval/nlv-dev.jsonl" tests/planner/heldout-*.jsonl)
for set in "${sets[@]}"; do
  name=$(basename "$set" .jsonl)
  if ! python3 "$SHARED/eval/run_eval.py" --chartd "$BIN" --eval "$set" --data-dir "$SHARED/data" \
      --out "$TMP/$name.pred.jsonl" --errors 10 >"$TMP/$name.txt" 2>&1; then
    echo "FAIL: $name: run_eval.py failed"; cat "$TMP/$name.txt"; failures=$((failures + 1)); continue
  fi
  python3 "$SHARED/eval/score.py" "$TMP/$name.pred.jsonl" --eval "$set" --json "$TMP/$name.json" >/dev/null
  if python3 - "$TMP/$name.json" "$name" "$MIN_CHART" "$MIN_EXACT" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))['ALL']
name, min_chart, min_exact = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
print('%-16s n=%-4d chart %5.1f%%  all-exact %5.1f%%' % (name, res['n'], 100 * res['chart'], 100 * res['all_exact']))
sys.exit(0 if res['chart'] >= min_chart and res['all_exact'] >= min_exact else 1)
PY
  then :; else
    echo "FAIL: $name below ${MIN_CHART} chart type / ${MIN_EXACT} all-exact"
    sed -n '/first .* non-exact/,$p' "$TMP/$name.txt"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && echo "ok: ${#sets[@]} request sets" || exit 1
