"""Full WebSocket requests: progress order and rising percentages, a decodable PNG of the
asked size, SVG, and two connections x four concurrent requests with ids kept apart."""
import asyncio
import base64
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, Server, check, connect, eq, png_size, recv_json, run, until_final  # noqa: E402

STAGES = ["initialization", "data_processing", "rendering", "encoding", "completion"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def request(rid, **over):
    msg = {"type": "chart.request", "id": rid, "spec": BAR_SPEC}
    msg.update(over)
    return json.dumps(msg)


async def one_full_request(s):
    async with connect(s) as ws:
        await recv_json(ws)
        await ws.send(request("r1", width=640, height=480, theme="dark"))
        progress, chart = await until_final(ws, "r1")
        eq(chart["type"], "chart", f"final message ({chart.get('message')})")
        stages = []
        for p in progress:
            if not stages or stages[-1] != p["stage"]:
                stages.append(p["stage"])
            check(ISO.match(p["timestamp"]), f"timestamp {p['timestamp']}")
            check(isinstance(p["message"], str) and p["message"], "progress message")
        eq(stages, STAGES, "progress stages in order")
        pcts = [p["progress"] for p in progress]
        check(all(a < b for a, b in zip(pcts, pcts[1:])), f"percentages rise: {pcts}")
        eq(pcts[-1], 100, "completion is 100")
        data = base64.b64decode(chart["data"], validate=True)
        eq(png_size(data), (640, 480), "PNG size")
        eq((chart["format"], chart["mime"], chart["width"], chart["height"], chart["bytes"]),
           ("png", "image/png", 640, 480, len(data)), "chart fields")
        eq((chart["spec"]["type"], chart["spec"]["theme"], chart["spec"]["width"]), ("bar", "dark", 640), "final spec")
        eq(len(chart["spec"]["data"]["values"]), 4, "spec carries the data")
        check(isinstance(chart["alt"], str) and len(chart["alt"]) > 10, f"alt text {chart['alt']!r}")
        eq(chart["data_summary"], {"columns": ["month", "revenue"],
                                   "rows": [["Jan", 120], ["Feb", 90], ["Mar", 150], ["Apr", 60]],
                                   "total_rows": 4, "truncated": False}, "data_summary of BAR_SPEC")
        for key in ("total_ms", "encode_ms", "queue_ms", "base64_ms"):
            check(isinstance(chart["timings_ms"].get(key), (int, float)), f"timings_ms.{key}")

        await ws.send(request("s1", format="svg", width=300, height=200))
        _, chart = await until_final(ws, "s1")
        eq((chart["type"], chart["mime"]), ("chart", "image/svg+xml"), "SVG reply")
        check(b"<svg" in base64.b64decode(chart["data"]), "SVG document")
        # Not closed before s1 is counted (see main).
        s.wait_metric('chartd_requests_total{outcome="ok",chart_type="bar"}', 2)


async def client(s, prefix, n):
    """Returns the connection still open: see main."""
    ws = await connect(s)
    await recv_json(ws)
    want = {f"{prefix}{i}": 200 + 10 * i for i in range(n)}
    for rid, width in want.items():
        await ws.send(request(rid, width=width, height=150))
    done = {}
    while len(done) < n:
        msg = await recv_json(ws)
        check(msg.get("id") in want, f"{prefix}: message for a foreign id {msg.get('id')}")
        check(msg["id"] not in done, f"{prefix}: message after the final one for {msg['id']}")
        if msg["type"] == "chart":
            done[msg["id"]] = png_size(base64.b64decode(msg["data"]))
        elif msg["type"] == "error":
            raise AssertionError(f"{msg['id']}: {msg}")
    for rid, width in want.items():
        eq(done[rid], (width, 150), f"{rid} answered with its own size")
    return ws


async def main():
    # every request here is drawn (the render cache, which would answer repeats, has its own test)
    with Server(workers=2, env={"CHARTD_CACHE_MB": "0"}) as s:
        await one_full_request(s)
        # The connections stay open until every request is counted: closing one right after its
        # last reply can cancel that request before its coroutine ends, and it is then counted
        # `cancelled` (about 1 run in 15).
        opened = await asyncio.gather(client(s, "a", 4), client(s, "b", 4))
        s.wait_metric('chartd_requests_total{outcome="ok",chart_type="bar"}', 10)
        for ws in opened:
            await ws.close()
        m = s.metrics()
        eq(m["chartd_render_seconds_count"], 10, "render histogram")
        eq(m["chartd_encode_seconds_count"], 10, "encode histogram")
        check(m["chartd_bytes_sent_total"] > 10000, "bytes sent")


run(main)
