"""Finite numbers at the ends of the double range, and images past the pixel budget, against the
real server (#15 items 3 and 4).

- Every example spec (examples/*.json, so a new chart type is covered the day it gets an
  example) with every number of its data replaced by values at the ends of the double range
  (±1e308 alternating, 1.7e308 falling, 1e200 whose squares overflow, 1e-308) ends in a chart
  or a client error naming its field: never `internal`, and no message (progress included)
  carries a server path.
- The same through Vega-Lite's marks (aggregated sums past the range, log scales over
  subnormals), numbers read as dates past JavaScript's ±8.64e15 ms, and a bin step so small its
  bin count is no integer: each a client error naming its field, or a chart.
- A canvas past CHARTD_MAX_PIXELS (width × height × scale² for PNG, width × height for SVG
  and PDF) is `invalid_spec` at `width`, naming the pixels, the limit and the setting; one at
  or under it is drawn at its size. Sizes are drawn at random (seeded) around a small limit,
  so the rule is tested, not a size; the default limit refuses the issue's 8192 × 8192 (at
  scale 1 and 4) over HTTP too. With the cap raised, a surface past the request's memory budget
  is `resource_limit`, and the worker draws the next chart."""
import asyncio
import glob
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import ROOT, Server, check, connect, eq, http, png_size, recv_json, run  # noqa: E402

MAX = 1.7976931348623157e308
EXTREMES = {
    "alternating": lambda i: 1e308 if i % 2 == 0 else -1e308,
    "near_max": lambda i: 1.7e308 - i * 1e292,
    "squares_overflow": lambda i: 1e200 * (1 + i % 3),
    "tiny": lambda i: 1e-308 * (1 + i % 5),
    # every value the largest double: sums overflow, a one-point domain has no room to widen
    "all_max": lambda i: MAX,
    "all_min": lambda i: -MAX,
    "subnormal": lambda i: 5e-324 * (1 + i % 3),  # nice log-scale ends underflow to 0
    "max_and_tiny": lambda i: -5e-324 if i % 3 == 0 else 1.7e308,  # a nice bin edge past the range
}
# A server path or a Lua traceback position in a client message.
LEAK = re.compile(r"(/(work|usr|tmp|home|root|opt)/|\w\.lua:\d|\.c:\d)")
LIMIT = 200000
SMALL = {"type": "bar", "data": {"values": [{"k": "a", "v": 1}, {"k": "b", "v": 2}]},
         "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}}}


def extreme(data, value):
    """data with every number (not bools) replaced by value(i), i counting up."""
    count = [0]

    def walk(v):
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            count[0] += 1
            return value(count[0])
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return walk(data)


def leaks(text):
    m = LEAK.search(text)
    return m.group(0) if m else None


async def extremes(s):
    specs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        with open(path) as f:
            spec = json.load(f)
        if "data" in spec:
            specs.append((os.path.basename(path)[:-5], spec))
    check(len(specs) >= 30, f"example specs with data: {len(specs)}")
    outcomes = {}

    async def one_kind(kind, value):
        async with connect(s) as ws:
            await recv_json(ws)  # hello
            for name, spec in specs:
                rid = f"{kind}/{name}"
                spec = dict(spec, data=extreme(spec["data"], value), width=320, height=240)
                await ws.send(json.dumps({"type": "chart.request", "id": rid, "spec": spec}))
                while True:
                    raw = await asyncio.wait_for(ws.recv(), 60)
                    check(not leaks(raw), f"{rid}: a server path in a message: {leaks(raw)!r} in {raw[:400]}")
                    msg = json.loads(raw)
                    eq(msg.get("id"), rid, "reply id")
                    if msg["type"] != "progress":
                        break
                if msg["type"] == "chart":
                    check(msg["bytes"] > 0 and msg["data"], f"{rid}: an image")
                    outcomes[rid] = "chart"
                else:
                    eq(msg["type"], "error", f"{rid}: final reply type")
                    check(msg["code"] != "internal", f"{rid}: internal for finite numbers: {msg}")
                    check(msg.get("path"), f"{rid}: {msg['code']} names no field: {msg}")
                    outcomes[rid] = msg["code"]

    await asyncio.gather(*(one_kind(k, v) for k, v in EXTREMES.items()))
    eq(len(outcomes), len(specs) * len(EXTREMES), "every request answered")
    charts = sum(1 for o in outcomes.values() if o == "chart")
    print(f"{len(outcomes)} requests at the ends of the double range: {charts} charts, "
          f"{len(outcomes) - charts} client errors "
          f"{sorted(set(o for o in outcomes.values() if o != 'chart'))}")
    # ±1e308 is finite: most types draw it (a client error is for data a chart cannot show)
    check(charts >= len(outcomes) // 2, f"only {charts} of {len(outcomes)} drew")
    failed = [e for e in s.log_events() if e.get("event") == "request_failed"]
    eq(failed, [], "no request_failed (internal) in the log")


async def beyond_examples(s):
    """Vega-Lite marks, dates and bins at the ends of the range: a chart or a client error naming its field."""
    cases = []
    for mark in ("bar", "line", "point", "area", "rect", "arc", "tick", "rule", "circle", "square", "trail"):
        summed = [{"k": "a", "v": 1.7e308}, {"k": "a", "v": 1.7e308}, {"k": "b", "v": -1.7e308}]
        cases.append((f"vl {mark} sum", {"mark": mark, "data": {"values": summed}, "encoding": {
            "x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative", "aggregate": "sum"}}}))
        tiny = [{"a": 1e-308, "b": 1e308}, {"a": 5e-324, "b": MAX}]
        cases.append((f"vl {mark} log", {"mark": mark, "data": {"values": tiny}, "encoding": {
            "x": {"field": "a", "type": "quantitative", "scale": {"type": "log"}},
            "y": {"field": "b", "type": "quantitative", "scale": {"type": "log"}}}}))
    for t in (1e308, -1e308, 8.64e15 + 1e3, 2.0 ** 63):
        cases.append((f"date {t:g}", {"type": "line", "data": {"values": [{"t": t, "y": 1}, {"t": 0, "y": 2}]},
                                      "encoding": {"x": {"field": "t", "type": "temporal"},
                                                   "y": {"field": "y", "type": "quantitative"}}}))
    cases.append(("bin step 1e-300", {"type": "histogram", "data": {"values": [{"v": 0}, {"v": 50}, {"v": 100}]},
                                      "encoding": {"x": {"field": "v", "type": "quantitative",
                                                         "bin": {"step": 1e-300}}}}))
    codes = {}
    for name, spec in cases:
        status, _, data = http(s.base + "/v1/charts", {"spec": dict(spec, width=320, height=240), "format": "svg"})
        if status == 200:
            check(b"<svg" in data[:400], f"{name}: an SVG image")
            code = "chart"
        else:
            text = data.decode(errors="replace")
            check(not leaks(text), f"{name}: a server path in the answer: {leaks(text)!r}")
            body = json.loads(data)
            check(body["code"] != "internal", f"{name}: internal for finite numbers: {body}")
            check(body.get("path"), f"{name}: {body['code']} names no field: {body}")
            code = body["code"]
        codes[code] = codes.get(code, 0) + 1
    print(f"{len(cases)} Vega-Lite, date and bin cases: {codes}")


def expect_refused(status, body, what, pixels, limit):
    eq(status, 422, f"{what}: status")
    err = json.loads(body)
    eq((err["code"], err.get("path")), ("invalid_spec", "width"), f"{what}: code and path")
    parts = [f"{limit:,}", "CHARTD_MAX_PIXELS"] + ([f"{int(pixels):,}"] if pixels == int(pixels) else [])
    for part in parts:
        check(part in err["message"], f"{what}: {part!r} in {err['message']!r}")
    return err["message"]


def pixel_budget(s, limit):
    rng = random.Random(15)
    refused = drawn = 0
    for i in range(60):
        w, h = rng.randint(16, 1500), rng.randint(16, 1500)
        scale = rng.choice([0.5, 1, 1.5, 2, 3, 4])
        fmt = rng.choice(["png", "png", "svg", "pdf"])
        pixels = w * h * (scale * scale if fmt == "png" else 1)
        body = {"spec": dict(SMALL, width=w, height=h, scale=scale, format=fmt)}
        status, headers, data = http(s.base + "/v1/charts", body)
        what = f"{w}x{h} scale {scale} {fmt} ({pixels:g} px, limit {limit})"
        if pixels > limit:
            expect_refused(status, data, what, pixels, limit)
            refused += 1
        else:
            eq(status, 200, f"{what}: status ({data[:300]!r})")
            if fmt == "png":
                eq(png_size(data), (int(-(-w * scale // 1)), int(-(-h * scale // 1))), f"{what}: PNG size")
            drawn += 1
    check(refused >= 10 and drawn >= 10, f"both sides of the limit tried: {refused} refused, {drawn} drawn")
    print(f"pixel budget {limit}: {refused} refused, {drawn} drawn")


async def main():
    with Server() as s:
        await extremes(s)
        await beyond_examples(s)
        # the default limit: the 8192 x 8192, at scale 1 and 4
        for scale, pixels in ((1, 8192 * 8192), (4, 8192 * 8192 * 16)):
            body = {"spec": dict(SMALL, width=8192, height=8192, scale=scale)}
            status, _, data = http(s.base + "/v1/charts", body)
            print(expect_refused(status, data, f"8192x8192 at scale {scale}", pixels, 16777216))
    with Server(env={"CHARTD_MAX_PIXELS": str(LIMIT)}) as s:
        pixel_budget(s, LIMIT)
    # The surface's pixels come from the request's memory budget (256 MB): with the pixel cap
    # raised out of the way, an 8192 x 8192 PNG (268 MB) is refused when asked for, not drawn.
    with Server(env={"CHARTD_MAX_PIXELS": "1073741824"}, workers=1) as s:
        for scale in (1, 2):
            status, _, data = http(s.base + "/v1/charts", {"spec": dict(SMALL, width=8192, height=8192, scale=scale)})
            body = json.loads(data)
            eq((status, body["code"]), (413, "resource_limit"), f"8192x8192 at scale {scale} past the memory budget")
        status, _, data = http(s.base + "/v1/charts", {"spec": dict(SMALL, width=400, height=300)})
        eq((status, png_size(data)), (200, (400, 300)), "the worker draws the next chart")


run(main)
