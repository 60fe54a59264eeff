#!/usr/bin/python3
"""chartd cluster load (loopback only, bounded in time): the same conversational load against
three set-ups measured in one run —

  single   one `chartd serve`, no Redis, no nginx (the peer: what one process does alone)
  1x       scripts/cluster.sh up 1: nginx + Redis + one replica
  3x       scripts/cluster.sh up 3: nginx + Redis + three replicas

Each of C clients opens a WebSocket, sends a prompt with a CSV (a 500-row order table), then two
follow-ups on it, then a finished spec (one of 40, so specs repeat across clients and replicas:
the render cache, in Redis shared by the replicas), then reconnects (a new session) — sessions
are written to Redis on every turn and read back by whichever replica a reconnect lands on.
Reports charts/s, p50/p99 latency, errors, the render cache's hit rate on spec requests (and
how many of the hits came from Redis), and from the replicas' /metrics the Redis commands per
request and their mean wait (send to reply as the worker sees it: it reads replies between
other coroutines' work), next to a bare PING's round trip (its peer, measured in the same run).
CHARTD_WORKERS (default 2 = this box's cores) applies to every replica.

  CHARTD_BIN=build/chartd /usr/bin/python3 bench/cluster.py --clients 12 --seconds 20
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import BIN, MAX_SIZE, ROOT, Server  # noqa: E402

import websockets  # noqa: E402


def orders_csv(rows=500, seed=3):
    rng = random.Random(seed)
    lines = ["order_date,region,category,units,revenue"]
    for i in range(rows):
        lines.append("2024-%02d-%02d,%s,%s,%d,%.2f" % (
            rng.randint(1, 12), rng.randint(1, 28), rng.choice(["North", "South", "East", "West"]),
            rng.choice(["Furniture", "Office", "Tech"]), rng.randint(1, 20), rng.uniform(5, 900)))
    return "\n".join(lines) + "\n"


CSV = orders_csv()
TURNS = [{"prompt": "revenue by month", "data": CSV}, {"prompt": "make it a line chart"},
         {"prompt": "split by region"}]
SPECS = 40  # distinct specs in the spec turn


def spec_turn(rng):
    k = rng.randrange(SPECS)
    values = [{"region": r, "units": (k * 7 + i * 13) % 50 + 1} for i, r in enumerate(["North", "South", "East", "West"])]
    return {"spec": {"type": "bar", "title": f"Units, variant {k}", "data": {"values": values},
                     "encoding": {"x": {"field": "region", "type": "nominal"},
                                  "y": {"field": "units", "type": "quantitative"}}}}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


async def client(url, lat, errors, deadline, seed):
    k, rng = 0, random.Random(seed)
    while time.monotonic() < deadline:
        async with websockets.connect(url, subprotocols=["chartd.v1"], max_size=MAX_SIZE) as ws:
            await ws.recv()  # hello
            for turn in TURNS + [spec_turn(rng)]:
                k += 1
                rid = f"q{k}"
                t0 = time.perf_counter()
                await ws.send(json.dumps({"type": "chart.request", "id": rid, "format": "png", **turn}))
                while True:
                    msg = json.loads(await ws.recv())
                    if msg.get("type") != "progress":
                        break
                if msg.get("type") == "chart":
                    lat.append((time.perf_counter() - t0) * 1000)
                else:
                    errors.append(msg.get("code", msg.get("type")))


def scrape(ports):
    total = {}
    for p in ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{p}/metrics", timeout=5) as r:
            for m in re.finditer(r"^(chartd_redis_command\S*|chartd_requests_total\S*|chartd_cache_(?:hits|misses)_total"
                                 r"|chartd_cache_shared_total\{outcome=\"hit\"\}) (\S+)$", r.read().decode(), re.M):
                key = m.group(1) if m.group(1).startswith("chartd_cache_shared") else m.group(1).split("{")[0]
                total[key] = total.get(key, 0) + float(m.group(2))
    return total


async def measure(url, ports, clients, seconds):
    before = scrape(ports)
    lat, errors = [], []
    t0 = time.monotonic()
    await asyncio.gather(*(client(url, lat, errors, t0 + seconds, seed) for seed in range(clients)))
    wall = time.monotonic() - t0
    after = scrape(ports)
    d = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    requests = d.get("chartd_requests_total", 0) or 1
    commands = d.get("chartd_redis_commands_total", 0)
    # A local miss that Redis answered is a hit of the cluster's cache.
    shared_hits = d.get('chartd_cache_shared_total{outcome="hit"}', 0)
    lookups = d.get("chartd_cache_hits_total", 0) + d.get("chartd_cache_misses_total", 0)
    hits = d.get("chartd_cache_hits_total", 0) + shared_hits
    return {"charts_per_s": len(lat) / wall, "p50_ms": statistics.median(lat) if lat else float("nan"),
            "p99_ms": pct(lat, 99), "charts": len(lat), "errors": len(errors),
            "cache_hit_rate": hits / lookups if lookups else 0,
            "shared_hits": shared_hits / hits if hits else 0,
            "redis_commands_per_request": commands / requests,
            "redis_rtt_ms": 1000 * d.get("chartd_redis_command_seconds_total", 0) / commands if commands else 0}


def redis_ping_ms(port, n=500):
    """The peer of chartd's Redis wait: a bare PING's round trip from a blocking socket, median ms."""
    import socket
    with socket.create_connection(("127.0.0.1", port)) as sock:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            sock.sendall(b"PING\r\n")
            sock.recv(64)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def cluster(n, workers):
    d = tempfile.mkdtemp(prefix="chartd-bench-cluster-")
    env = dict(os.environ, CHARTD_CLUSTER_DIR=d, CHARTD_BIN=BIN, CHARTD_WORKERS=str(workers), LOG_LEVEL="WARNING",
               LLM_PROVIDER="offline")
    run = lambda *a: subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), *a], env=env, check=True,  # noqa: E731
                                    stdout=subprocess.DEVNULL, timeout=120)
    run("up", str(n))
    v = dict(line.split("=", 1) for line in open(os.path.join(d, "cluster.env")).read().split())
    ports = [int(v[f"REPLICA_{i}_PORT"]) for i in range(1, n + 1)]

    def stop():
        run("down")
        shutil.rmtree(d, ignore_errors=True)
    return v["FRONT_URL"].replace("http", "ws") + "/", ports, int(v["REDIS_PORT"]), stop


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1, help="repeat the three set-ups, interleaved")
    args = ap.parse_args()
    rows = []
    for r in range(args.rounds):
        s = Server(env={"CHARTD_WORKERS": str(args.workers), "LOG_LEVEL": "WARNING"}, workers=args.workers)
        try:
            rows.append(("single", await measure(s.ws_url, [s.port], args.clients, args.seconds)))
        finally:
            s.stop()
        for n in (1, 3):
            url, ports, redis_port, stop = cluster(n, args.workers)
            try:
                m = await measure(url, ports, args.clients, args.seconds)
                m["redis_ping_ms"] = redis_ping_ms(redis_port)
                rows.append((f"{n}x", m))
            finally:
                stop()
    base = statistics.median(m["charts_per_s"] for name, m in rows if name == "single")
    print(f"{'set-up':8} {'charts/s':>9} {'vs single':>9} {'p50 ms':>8} {'p99 ms':>8} {'charts':>7} {'errors':>6} "
          f"{'cache hits':>10} {'from redis':>10} {'redis cmd/req':>13} {'redis wait ms':>13} {'redis ping ms':>13}")
    for name, m in rows:
        print(f"{name:8} {m['charts_per_s']:9.1f} {m['charts_per_s'] / base:9.2f} {m['p50_ms']:8.1f} {m['p99_ms']:8.1f} "
              f"{m['charts']:7d} {m['errors']:6d} {m['cache_hit_rate']:10.0%} {m['shared_hits']:10.0%} "
              f"{m['redis_commands_per_request']:13.2f} {m['redis_rtt_ms']:13.3f} {m.get('redis_ping_ms', 0):13.3f}")


asyncio.run(main())
