#!/usr/bin/python3
"""chartd load client (loopback only, bounded): C connections each send R chart requests
one after another and verify every reply (PNG signature and size). Reports charts/s,
p50/p99 latency, errors, the server's peak RSS, and the p99 round-trip of a `ping` on an
idle connection while the others render.

  CHARTD_BIN=build/chartd /usr/bin/python3 bench/load.py --levels 1,10,50,100 --requests 20

Starts its own `chartd serve` on a free port (or --port N for a running one on 127.0.0.1)."""
import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import BAR_SPEC, Server, connect, png_size  # noqa: E402

WIDTH, HEIGHT = 800, 600


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def client(server, cid, n, lat, errors, deadline):
    async with connect(server) as ws:
        json.loads(await ws.recv())  # hello
        for i in range(n):
            if time.monotonic() > deadline:
                return
            rid = f"c{cid}-{i}"
            t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC,
                                      "width": WIDTH, "height": HEIGHT}))
            while True:
                msg = json.loads(await ws.recv())
                if msg.get("type") != "progress":
                    break
            if msg.get("type") != "chart" or msg.get("id") != rid:
                errors.append(msg.get("code", msg.get("type")))
                continue
            data = base64.b64decode(msg["data"])
            if png_size(data) != (WIDTH, HEIGHT):
                errors.append("bad_png")
                continue
            lat.append((time.perf_counter() - t0) * 1000)


def ping_process(url, conn):
    """Its own process (own GIL, not niced), so the RTT is the server's rather than this
    client's event loop. Per level: on "start", pings every 10 ms on an idle connection
    until "stop", then sends back the RTTs; "exit" ends it."""
    async def go():
        class Target:
            ws_url = url
        while True:
            cmd = conn.recv()
            if cmd == "exit":
                return
            rtts = []
            async with connect(Target) as ws:
                await ws.recv()
                conn.send("ready")
                while not conn.poll():
                    t0 = time.perf_counter()
                    await ws.send('{"type":"ping"}')
                    await ws.recv()
                    rtts.append((time.perf_counter() - t0) * 1000)
                    await asyncio.sleep(0.01)
                conn.recv()  # "stop"
            conn.send(rtts)
    asyncio.run(go())


async def pinger(pipe, rtts, stop):
    loop = asyncio.get_running_loop()
    pipe.send("start")
    await loop.run_in_executor(None, pipe.recv)  # "ready"
    await stop.wait()
    pipe.send("stop")
    rtts.extend(await loop.run_in_executor(None, pipe.recv))


async def rss_sampler(pid, peak, stop):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return
        await asyncio.sleep(0.05)


async def level(server, pipe, pid, c, r, max_s):
    lat, errors, rtts, peak = [], [], [], [0]
    stop = asyncio.Event()
    side = [asyncio.create_task(pinger(pipe, rtts, stop))]
    if pid:
        side.append(asyncio.create_task(rss_sampler(pid, peak, stop)))
    await asyncio.sleep(0.2)
    t0 = time.perf_counter()
    deadline = time.monotonic() + max_s
    await asyncio.gather(*(client(server, i, r, lat, errors, deadline) for i in range(c)))
    wall = time.perf_counter() - t0
    stop.set()
    await asyncio.gather(*side)
    return {"c": c, "r": r, "ok": len(lat), "errors": len(errors), "wall_s": wall,
            "charts_s": len(lat) / wall, "p50": pct(lat, 50), "p99": pct(lat, 99),
            "ping_p50": pct(rtts, 50), "ping_p99": pct(rtts, 99), "pings": len(rtts), "rss_mb": peak[0] / 1024}


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--levels", default="1,10,50,100")
    ap.add_argument("--requests", type=int, default=20, help="requests per connection")
    ap.add_argument("--max-seconds", type=float, default=120, help="per level")
    ap.add_argument("--workers", type=int, default=0, help="CHARTD_WORKERS (0 = cores)")
    ap.add_argument("--port", type=int, default=0, help="use a server already on 127.0.0.1:PORT")
    args = ap.parse_args()
    env = {"MAX_CONCURRENT_CONNECTIONS": "1000", "LOG_LEVEL": "WARNING", "CHART_GENERATION_TIMEOUT": "300"}
    if args.workers:
        env["CHARTD_WORKERS"] = str(args.workers)
    server = None
    if args.port:
        class Existing:
            ws_url = f"ws://127.0.0.1:{args.port}/"
        target, pid = Existing(), None
    else:
        server = Server(env=env, workers=args.workers or os.cpu_count())
        target, pid = server, server.proc.pid
    rows = []
    pipe, child = multiprocessing.Pipe()
    prober = multiprocessing.Process(target=ping_process, args=(target.ws_url, child))
    prober.start()
    os.nice(10)  # the load generator must not starve the server or the prober on a small box
    try:
        for c in [int(x) for x in args.levels.split(",")]:
            row = await level(target, pipe, pid, c, args.requests, args.max_seconds)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        pipe.send("exit")
        prober.join()
        if server:
            server.stop()
    print(f"| C | requests | ok | errors | charts/s | p50 ms | p99 ms | ping p50 ms | ping p99 ms | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        print(f"| {x['c']} | {x['c'] * x['r']} | {x['ok']} | {x['errors']} | {x['charts_s']:.1f} | {x['p50']:.1f} | "
              f"{x['p99']:.1f} | {x['ping_p50']:.2f} | {x['ping_p99']:.2f} | {x['rss_mb']:.1f} |")
    return 0 if all(x["errors"] == 0 for x in rows) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
