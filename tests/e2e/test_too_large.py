"""MAX_CHART_SIZE_MB caps the encoded image: over it, `error` code too_large (WebSocket and
HTTP 413), the connection stays usable and the worker serves the next request."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, Server, check, connect, eq, http, recv_json, run, until_final  # noqa: E402


def post(s, body):
    return http(s.base + "/v1/charts", body=body, headers={"Content-Type": "application/json"})


def big_scatter():
    """An SVG scatter of 25,000 points: every circle is its own path, ~2 MB of SVG."""
    rnd = random.Random(7)
    values = [{"x": rnd.random() * 1000, "y": rnd.random() * 1000} for _ in range(25000)]
    return {"type": "scatter", "format": "svg", "data": {"values": values},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}


async def main():
    env = {"MAX_CHART_SIZE_MB": "1", "MAX_REQUEST_KB": "4096"}
    with Server(env=env, workers=1) as s:
        spec = big_scatter()
        async with connect(s) as ws:
            await recv_json(ws)
            await ws.send(json.dumps({"type": "chart.request", "id": "big", "spec": spec}))
            _, final = await until_final(ws, "big")
            eq((final["type"], final["code"]), ("error", "too_large"), "oversized image")
            check("MAX_CHART_SIZE_MB" in final["message"], f"message names the limit: {final['message']}")
            eq(final["retryable"], False, "too_large is not retryable")
            # the same connection and worker still serve a normal chart
            await ws.send(json.dumps({"type": "chart.request", "id": "small", "spec": BAR_SPEC}))
            _, final = await until_final(ws, "small")
            eq(final["type"], "chart", "next request after too_large")
        status, _, body = post(s, {"spec": spec})
        eq((status, json.loads(body)["code"]), (413, "too_large"), "HTTP 413 for an oversized image")
        # the same chart as PNG is small: the cap is on the encoded bytes, not on the data
        status, headers, _ = post(s, {"spec": dict(spec, format="png")})
        eq((status, headers["content-type"]), (200, "image/png"), "the same data as PNG fits")


if __name__ == "__main__":
    run(main)
