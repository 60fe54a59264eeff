"""Hot-reload latency: file write → first request served by the new generation.

Starts the real server on a temp copy of lua/, prompts/, themes/ (never the repo's), then 50
times: writes lua/charts/bar.lua with a new bar colour (in place), and from the moment the
write returns sends a small SVG bar chart request every 5 ms-ish (one in flight at a time)
until a chart carries the new colour. Prints median / p90 / p99 / max, and the server's own
reload (self-test) durations from its log.

  CHARTD_BIN=build/chartd /usr/bin/python3 bench/reload.py [saves]"""
import asyncio
import base64
import json
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import BAR_SPEC, Server, connect, recv_json  # noqa: E402
from test_reload import SET_COLOR, Bar, make_home, svg_fill  # noqa: E402  (imports only: its run() is guarded)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def bench(saves):
    home = make_home()
    bar = Bar(home)
    assert SET_COLOR in bar.original
    lat = []
    tries = []
    try:
        with Server(env={"CHARTD_HOME": home, "APP_ENV": "development"}, workers=2) as s:
            async with connect(s) as ws:
                await recv_json(ws)
                n = 0
                for i in range(saves):
                    colour = "#%02x%02x%02x" % (10 + i, 200, 255 - i)
                    want = svg_fill(colour)
                    t0 = time.perf_counter()
                    bar.write_in_place(bar.text(colour))
                    k = 0
                    while True:
                        n += 1
                        k += 1
                        rid = f"b{n}"
                        await ws.send(json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC,
                                                  "format": "svg", "width": 320, "height": 240}))
                        while True:
                            msg = await recv_json(ws)
                            if msg.get("id") == rid and msg["type"] != "progress":
                                break
                        if msg["type"] == "chart" and want in base64.b64decode(msg["data"]).decode():
                            break
                        if time.perf_counter() - t0 > 10:
                            raise SystemExit(f"save {i}: the new colour {colour} never showed up")
                        await asyncio.sleep(0.005)
                    lat.append((time.perf_counter() - t0) * 1000)
                    tries.append(k)
                    await asyncio.sleep(0.25)  # let the debounce window close before the next save
            reloads = [e["ms"] for e in s.log_events() if e.get("event") == "reload" and e.get("ok")]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"saves: {saves}, requests per save: median {statistics.median(tries):.0f}")
    print("save → first request on the new generation (ms): median %.1f  p90 %.1f  p99 %.1f  max %.1f  min %.1f"
          % (statistics.median(lat), pct(lat, 90), pct(lat, 99), max(lat), min(lat)))
    if reloads:
        print("self-test per reload (ms): median %.1f  p99 %.1f  (%d reloads)"
              % (statistics.median(reloads), pct(reloads, 99), len(reloads)))


if __name__ == "__main__":
    asyncio.run(bench(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
