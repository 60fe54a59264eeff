#!/usr/bin/python3
"""Memory of the largest render a server allows (loopback only, bounded): starts `chartd serve`,
samples its RSS every 10 ms while it draws width x height PNG bar charts (one, then one per
worker at once), and reports the RSS before, the peak, and the RSS 3 s after (idle, when memory
should have gone back to the system).

  CHARTD_BIN=build/chartd /usr/bin/python3 bench/render_memory.py --size 4096x4096 --workers 2

It stops its own server and nothing else."""
import argparse
import json
import os
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import Server  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(base, width, height, scale):
    rows = [{"month": f"M{i:02d}", "revenue": 50 + (i * 37) % 100} for i in range(24)]
    body = json.dumps({"spec": {"type": "bar", "data": {"values": rows},
                                "encoding": {"x": {"field": "month", "type": "nominal"},
                                             "y": {"field": "revenue", "type": "quantitative"}}},
                       "format": "png", "width": width, "height": height, "scale": scale}).encode()
    req = urllib.request.Request(base + "/v1/charts", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, len(r.read())
    except urllib.error.HTTPError as e:
        return e.code, len(e.read())


def measure(server, n, width, height, scale):
    pid = server.proc.pid
    before = rss_mb(pid)
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.01)
    sampler = threading.Thread(target=sample)
    sampler.start()
    results = []
    threads = [threading.Thread(target=lambda: results.append(post(server.base, width, height, scale)))
               for _ in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    time.sleep(3)
    stop.set()
    sampler.join()
    return before, peak[0], rss_mb(pid), took, results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="4096x4096")
    ap.add_argument("--scale", type=float, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-pixels", type=int, help="CHARTD_MAX_PIXELS (default: the server's own)")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    env = {"CHARTD_MAX_PIXELS": str(args.max_pixels)} if args.max_pixels else {}
    with Server(env=env, workers=args.workers) as s:
        for n in (1, args.workers):
            before, peak, after, took, results = measure(s, n, width, height, args.scale)
            print(f"{n} render(s) of {width}x{height} at scale {args.scale:g}: RSS before {before:.0f} MB, "
                  f"peak {peak:.0f} MB, 3 s after {after:.0f} MB; {took:.1f} s; answers {results}")


if __name__ == "__main__":
    main()
