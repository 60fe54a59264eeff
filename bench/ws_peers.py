#!/usr/bin/python3
"""WebSocket throughput of the chartd server against the seed-like Python server (FastAPI +
uvicorn + matplotlib) of the peers' harness, one load client for both, rounds interleaved;
then the chartd server's RSS with 100 idle connections (docs/BENCHMARKS.md, "Server").

The load client is the harness's load/ws_load.mjs (Node): C connections each send R requests
of the standard workload's bar chart one after another and check every reply (a PNG of
800×600). chartd gets it as a chart.request of the same records (the harness's chartd adapter
writes that spec), the seed-like server as its own "render" message. Each run starts a fresh
server (chartd: CHARTD_WORKERS=2; peer: --executor inline, the seed's shape, and process with
2 workers).

  cp -r ../shared/bench /tmp/bench && (cd /tmp/bench && npm ci)
  CHARTD_BIN=build-rel/chartd /usr/bin/python3 bench/ws_peers.py --peers /tmp/bench [--rounds 3]
"""
import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import Server, connect, free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEVELS = [(1, 50), (10, 20), (50, 4)]  # (connections, requests each), as the harness's WS part


def load(peers, url, args, pid, label, tmp):
    out = os.path.join(tmp, "load.json")
    cmd = ["node", os.path.join(peers, "load", "ws_load.mjs"), "--url", url, "--server-pid", str(pid),
           "--expect-size", "800x600", "--timeout-ms", "60000", "--max-seconds", "300", "--label", label,
           "--json", out, "--quiet"] + args
    subprocess.run(cmd, cwd=peers, timeout=400, check=False, capture_output=True)
    with open(out) as f:
        return json.load(f)


def chartd_message(peers, tmp):
    """The workload's bar chart as chartd's chart.request (the harness's adapter writes the spec)."""
    path = os.path.join(tmp, "bar-spec.json")
    subprocess.run(["lua5.4", os.path.join(peers, "chartd", "render_chartd.lua"), "--cpath",
                    os.path.join(ROOT, "build-rel", "lib", "?.so"), "--workload", os.path.join(peers, "workload"),
                    "--types", "bar", "--write-spec", path], cwd=ROOT, check=True)
    with open(path) as f:
        spec = json.load(f)
    msg = os.path.join(tmp, "chartd-bar.json")
    with open(msg, "w") as f:
        json.dump({"type": "chart.request", "spec": spec}, f)
    return msg


def run_chartd(peers, msg, c, r, tmp):
    with Server(env={"CHARTD_WORKERS": "2"}, workers=2) as s:
        return load(peers, s.ws_url, ["-c", str(c), "-r", str(r), "--message-file", msg], s.proc.pid,
                    "chartd", tmp)


def run_peer(peers, executor, c, r, tmp):
    port = free_port()
    log = open(os.path.join(tmp, "peer.log"), "w")
    proc = subprocess.Popen(["/usr/bin/python3", "ws_server/server.py", "--port", str(port), "--executor", executor,
                             "--workers", "2", "--max-seconds", "600"], cwd=peers, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(log.name) as f:
                if any(line.startswith("ready") for line in f):
                    break
            time.sleep(0.2)
        return load(peers, "ws://127.0.0.1:%d/ws" % port, ["-c", str(c), "-r", str(r), "--workload", "workload",
                                                            "--types", "bar"], proc.pid, executor, tmp)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


async def idle_rss(n):
    """The chartd server's RSS with n open, idle WebSocket connections."""
    with Server(env={"CHARTD_WORKERS": "2"}, workers=2) as s:
        conns = [await connect(s).__aenter__() for _ in range(n)]
        for ws in conns:
            await ws.recv()  # hello
        await asyncio.sleep(2)
        with open("/proc/%d/status" % s.proc.pid) as f:
            status = f.read()
        rss = int(status.split("VmRSS:")[1].split()[0])
        for ws in conns:
            await ws.close()
        return rss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        msg = chartd_message(args.peers, tmp)
        for r in range(args.rounds):
            for c, n in LEVELS:
                for name in ("chartd", "inline", "process"):
                    res = run_chartd(args.peers, msg, c, n, tmp) if name == "chartd" else \
                        run_peer(args.peers, name, c, n, tmp)
                    results.setdefault((name, c), []).append(res)
                    print("round %d %-8s C=%-3d %7.1f charts/s  p50 %7.1f ms  p99 %7.1f ms  %d/%d ok" % (
                        r + 1, name, c, res["throughput_per_s"], res["latency_ms"]["p50"], res["latency_ms"]["p99"],
                        res["ok"], res["total_requests"]), file=sys.stderr)
        idle = asyncio.run(idle_rss(100))
    med = statistics.median
    print("| server | C | requests | ok | charts/s (median; lowest–highest) | p50 ms | p99 ms "
          "| peak RSS MiB | chartd ÷ this |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for c, n in LEVELS:
        base = med([x["throughput_per_s"] for x in results[("chartd", c)]])
        for name in ("chartd", "inline", "process"):
            runs = results[(name, c)]
            tput = [x["throughput_per_s"] for x in runs]
            rss = max((x["server"] or {}).get("tree_peak_rss_kb_sum") or 0 for x in runs) / 1024
            label = {"chartd": "chartd (2 workers)", "inline": "seed-like, inline",
                     "process": "seed-like, 2 processes"}[name]
            print("| %s | %d | %d | %d/%d | %.1f (%.1f–%.1f) | %.1f | %.1f | %.0f | %s |" % (
                label, c, c * n, sum(x["ok"] for x in runs), sum(x["total_requests"] for x in runs), med(tput),
                min(tput), max(tput), med([x["latency_ms"]["p50"] for x in runs]),
                med([x["latency_ms"]["p99"] for x in runs]), rss,
                "—" if name == "chartd" else "%.1f×" % (base / med(tput))))
    print("\nchartd server RSS with 100 idle WebSocket connections: %.1f MiB" % (idle / 1024))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"%s/c%d" % k: v for k, v in results.items()} | {"idle_rss_kb": idle}, f, indent=1)


if __name__ == "__main__":
    main()
