"""A million rows through the real server: a 1,000,000-row two-column CSV line chart over
WebSocket and a scatter over HTTP (MAX_REQUEST_KB raised to carry ~16 MB), each answered with
an image of the asked size whose reply says how it was drawn (M4 reduction, stamped markers),
within the worker's memory budget; the echoed spec carries the CSV as sent."""
import asyncio
import base64
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, check, connect, eq, http, png_size, recv_json, run, until_final  # noqa: E402

ROWS = 1_000_000


def walk_csv():
    rnd, y, lines = random.Random(17), 0.0, ["t,value"]
    for i in range(ROWS):
        y += rnd.random() - 0.5
        lines.append("%d,%.3f" % (i, y))
    return "\n".join(lines) + "\n"


def cloud_csv():
    rnd, lines = random.Random(18), ["x,y"]
    for _ in range(ROWS):
        x = rnd.gauss(0, 1)
        lines.append("%.3f,%.3f" % (x, 0.6 * x + rnd.gauss(0, 0.8)))
    return "\n".join(lines) + "\n"


def spec(kind, xf, yf, data):
    return {"type": kind, "width": 800, "height": 600, "data": data,
            "encoding": {"x": {"field": xf, "type": "quantitative"}, "y": {"field": yf, "type": "quantitative"}}}


async def line_over_websocket(s, csv):
    async with connect(s, max_size=None) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "chart.request", "id": "big", "spec": spec("line", "t", "value", csv)}))
        _, chart = await until_final(ws, "big", timeout=120)
        eq(chart["type"], "chart", f"final message ({chart.get('code')}: {chart.get('message')})")
        eq(png_size(base64.b64decode(chart["data"])), (800, 600), "PNG size")
        d = chart["drawing"]
        eq((d["method"], d["points"]), ("m4", ROWS), "drawn with M4 over every row")
        check(d["drawn"] < 4 * 4 * 800, f"points drawn bounded by the pixel columns ({d['drawn']})")
        check("data" not in chart["spec"], "a million rows are not echoed back")
        eq(chart["data_omitted"], {"rows": ROWS, "columns": 2}, "the reply says what was not echoed")
        eq(chart["data_summary"]["total_rows"], ROWS, "summary counts every row")
        check(len(chart["data_summary"]["rows"]) == 100, "summary rows capped")


def scatter_over_http(s, csv):
    status, headers, body = http(s.base + "/v1/charts", {"spec": spec("scatter", "x", "y", csv)}, timeout=120)
    eq(status, 200, f"POST /v1/charts ({body[:200]!r})")
    eq(headers.get("content-type"), "image/png", "content type")
    eq(png_size(body), (800, 600), "PNG size")


async def main():
    line, cloud = walk_csv(), cloud_csv()
    check(len(line) > 10_000_000, "a CSV of some size")
    with Server(env={"MAX_REQUEST_KB": "32768"}, workers=1) as s:
        await line_over_websocket(s, line)
        scatter_over_http(s, cloud)
        s.wait_metric('chartd_requests_total{outcome="ok",chart_type="scatter"}', 1, timeout=10)
        done = [(e["chart_type"], e["outcome"]) for e in s.log_events() if e.get("event") == "request_done"]
        eq(sorted(done), [("line", "ok"), ("scatter", "ok")], "both requests logged done")


run(main)
