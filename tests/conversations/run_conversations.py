#!/usr/bin/env python3
"""Multi-turn conversations against a real chartd server, scored on the chart they end on.

usage: /usr/bin/python3 tests/conversations/run_conversations.py SET.jsonl [SET.jsonl ...]
         [--min-exact 0.75] [--max-error-share 0.05] [--show-misses] [--json OUT]

Each conversation (tests/conversations/README.md) runs on its own WebSocket of one `chartd serve`
(offline planner): turn 1 carries the dataset's CSV text, the later turns are follow-ups. The
chart on screen after the last turn is compared with `expected` (or an `alternatives` entry) on
chart type, x, y, colour and aggregate — the slots ../shared/eval/score.py scores, normalised the
same way — and, when the target is split into small multiples, on its facet column (or the
colour, as the sets allow). A pie's slices (encoding.color) and value (theta) are read as x and y,
a heatmap's colour aggregate as its aggregate, as the sets write them.

It fails (exit 1) when, on any set:
  - fewer than --min-exact of the conversations end on the intended chart;
  - more than --max-error-share of them have a turn answered with an error;
  - any follow-up was drawn on invented data (the reply says `synthetic`) although data was sent;
  - a styling turn (meta.styling_turns) changed the chart's scored slots.
"""
import argparse
import asyncio
import json
import os
import re
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import chartd_harness  # noqa: E402
import websockets  # noqa: E402

# Where each dataset is: beside the set file or in its data/ folder (a set written elsewhere brings its
# own tables), then this folder's data/, then the shared ones beside the checkout.
DATA_DIRS = [os.path.join(HERE, "data"), os.path.join(ROOT, "..", "shared", "data")]


def data_dirs(set_path):
    here = os.path.dirname(os.path.abspath(set_path))
    return [os.path.join(here, "data"), here] + DATA_DIRS

CHART_SYN = {"bar": "bar", "column": "bar", "lollipop": "bar", "line": "line", "step": "line", "area": "area",
             "streamgraph": "area", "scatter": "scatter", "bubble": "scatter", "point": "scatter",
             "pie": "pie", "donut": "pie", "histogram": "histogram", "heatmap": "heatmap", "box": "box",
             "boxplot": "box"}
AGG_SYN = {"mean": "mean", "average": "mean", "avg": "mean", "sum": "sum", "total": "sum", "count": "count",
           "median": "median", "min": "min", "max": "max", None: "none", "none": "none", "": "none"}


def norm_field(f):
    return re.sub(r"[^a-z0-9]", "", f.lower()) if isinstance(f, str) and f else None


def slots(spec):
    """The scored slots of a chart spec: chart, x, y, color, agg, facet."""
    enc = spec.get("encoding") or {}

    def field(ch):
        c = enc.get(ch)
        return c.get("field") if isinstance(c, dict) else None

    def agg_of(ch):
        c = enc.get(ch)
        return c.get("aggregate") if isinstance(c, dict) else None

    kind = spec.get("type")
    x, y, color = field("x"), field("y"), field("color")
    agg = agg_of("y") or agg_of("x")
    if kind in ("pie", "donut"):
        x, y, color, agg = field("color"), field("theta"), None, agg_of("theta")
    elif kind == "heatmap":
        agg = agg_of("color") or agg
    return {"chart": CHART_SYN.get(kind, kind), "x": x, "y": y, "color": color, "agg": AGG_SYN.get(agg, agg),
            "facet": field("column") or field("row")}


def matches(pred, target):
    if pred is None:
        return False
    if CHART_SYN.get(target["chart"], target["chart"]) != pred["chart"]:
        return False
    for k in ("x", "color"):
        if norm_field(pred[k]) != norm_field(target.get(k)):
            return False
    tagg = AGG_SYN.get(target.get("agg"), target.get("agg"))
    if tagg == "count":
        if pred["agg"] != "count":
            return False
    elif norm_field(pred["y"]) != norm_field(target.get("y")) or pred["agg"] != tagg:
        return False
    if target.get("facet") and norm_field(pred["facet"]) != norm_field(target["facet"]):
        return False
    return True


def same_slots(a, b):
    return a is not None and b is not None and all(norm_field(a[k]) == norm_field(b[k])
                                                   for k in ("chart", "x", "y", "color", "agg", "facet"))


async def run_one(uri, item, csv_text):
    turns = []
    async with websockets.connect(uri, max_size=2 ** 28) as ws:
        json.loads(await ws.recv())  # hello
        for k, prompt in enumerate(item["turns"], start=1):
            req = {"type": "chart.request", "id": "t%d" % k, "prompt": prompt}
            if k == 1:
                req["data"] = csv_text
            await ws.send(json.dumps(req))
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if msg.get("type") in ("chart", "error") and msg.get("id") == req["id"]:
                    break
            if msg["type"] == "chart":
                turns.append({"prompt": prompt, "kind": "chart", "pred": slots(msg["spec"]),
                              "synthetic": bool(msg.get("synthetic")), "notes": msg.get("notes"),
                              "outcome": msg.get("outcome")})
            else:
                turns.append({"prompt": prompt, "kind": "error", "code": msg.get("code"),
                              "message": msg.get("message")})
    return turns


def load_csv(name, dirs):
    for d in dirs:
        p = os.path.join(d, name)
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                return f.read()
    raise SystemExit("dataset %s not found in %s" % (name, dirs))


async def run_set(uri, items, dirs, parallel=4):
    sem = asyncio.Semaphore(parallel)
    cache = {}

    async def one(item):
        if item["dataset"] not in cache:
            cache[item["dataset"]] = load_csv(item["dataset"], dirs)
        async with sem:
            return await run_one(uri, item, cache[item["dataset"]])
    return await asyncio.gather(*(one(it) for it in items))


def score(items, results, show):
    n = len(items)
    exact = errors = synthetic = styling_changed = styling_total = 0
    codes = {}  # error turns by code: what kind of failure, without which sentences
    for item, turns in zip(items, results):
        for t in turns:
            if t["kind"] == "error":
                codes[t["code"]] = codes.get(t["code"], 0) + 1
        final = None
        for t in turns:
            if t["kind"] == "chart":
                final = t["pred"]
        targets = [item["expected"]] + item.get("alternatives", [])
        ok = any(matches(final, t) for t in targets)
        err = any(t["kind"] == "error" for t in turns)
        syn = any(t.get("synthetic") for t in turns)
        exact += ok
        errors += err
        synthetic += syn
        for s in (item.get("meta") or {}).get("styling_turns", []):
            if 2 <= s <= len(turns) and turns[s - 1]["kind"] == "chart" and turns[s - 2]["kind"] == "chart":
                styling_total += 1
                if not same_slots(turns[s - 1]["pred"], turns[s - 2]["pred"]):
                    styling_changed += 1
        if show and (not ok or err or syn):
            e = item["expected"]
            print("== %s expected %s x=%s y=%s c=%s agg=%s facet=%s" % (
                item["id"], e["chart"], e.get("x"), e.get("y"), e.get("color"), e.get("agg"), e.get("facet")))
            for t in turns:
                if t["kind"] == "chart":
                    p = t["pred"]
                    print("   %-58s -> %s x=%s y=%s c=%s agg=%s f=%s %s%s" % (
                        t["prompt"][:58], p["chart"], p["x"], p["y"], p["color"], p["agg"], p["facet"],
                        t.get("outcome") or "", (" notes=%s" % t["notes"]) if t.get("notes") else ""))
                else:
                    print("   %-58s -> ERROR %s %s" % (t["prompt"][:58], t["code"], (t["message"] or "")[:140]))
    return {"conversations": n, "exact": exact, "exact_share": exact / n, "error_conversations": errors,
            "error_share": errors / n, "synthetic_conversations": synthetic,
            "styling_turns": styling_total, "styling_turns_changed": styling_changed, "error_codes": codes}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--min-exact", type=float, default=0.75)
    ap.add_argument("--max-error-share", type=float, default=0.05)
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    failed = []
    report = {}
    with chartd_harness.Server(env={"LLM_PROVIDER": "offline"}) as srv:
        for path in a.sets:
            with open(path, encoding="utf-8") as f:
                items = [json.loads(line) for line in f if line.strip()]
            results = asyncio.run(run_set(srv.ws_url, items, data_dirs(path)))
            r = score(items, results, a.show_misses)
            name = os.path.basename(path)
            report[name] = r
            print("%s: %d conversations, intended chart %d (%.1f%%), error turns in %d (%.1f%%), "
                  "invented-data follow-ups %d, styling turns that changed the chart %d of %d" % (
                      name, r["conversations"], r["exact"], 100 * r["exact_share"], r["error_conversations"],
                      100 * r["error_share"], r["synthetic_conversations"], r["styling_turns_changed"],
                      r["styling_turns"]))
            if r["error_codes"]:
                print("  error turns by code: " + ", ".join(
                    "%s %d" % (c, k) for c, k in sorted(r["error_codes"].items(), key=lambda x: -x[1])))
            if r["exact_share"] < a.min_exact:
                failed.append("%s: %.1f%% intended charts, below %.0f%%" % (name, 100 * r["exact_share"],
                                                                           100 * a.min_exact))
            if r["error_share"] > a.max_error_share:
                failed.append("%s: %.1f%% of conversations had an error turn, above %.0f%%" % (
                    name, 100 * r["error_share"], 100 * a.max_error_share))
            if r["synthetic_conversations"]:
                failed.append("%s: %d conversations drew a follow-up on invented data" % (
                    name, r["synthetic_conversations"]))
            if r["styling_turns_changed"]:
                failed.append("%s: %d styling turns changed the chart" % (name, r["styling_turns_changed"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
    for msg in failed:
        print("FAIL", msg)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
