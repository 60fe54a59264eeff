#!/usr/bin/python3
"""Scale benchmark: line and scatter charts from 1,000 to 1,000,000 points, chartd and
matplotlib measured in the same run, rounds interleaved (docs/BENCHMARKS.md, "Scale").

The same data for both: a CSV file per size and type (seeded; line: x = 0..n-1 and a random
walk; timeseries: the same walk over ISO 8601 minutes from 2024-01-01T00:00:00, a temporal x;
scatter: two correlated normal columns). chartd renders it in a lua5.4 process
(bench/scale.lua: the CSV text in memory → pipeline.render → 800×600 PNG, so parsing is
included); matplotlib 3 (Agg, Figure() without pyplot, 8×6 in at 100 dpi, the peers' styles:
line width 1.2; scatter s=6, alpha 0.5) is timed from numpy arrays already in memory, and
separately for turning the same CSV text into those arrays (numpy). Each cell: median over
rounds of each round's median of --n timed renders after one warm-up.

  /usr/bin/python3 bench/scale.py --cpath 'build-rel/lib/?.so' [--sizes 1000,10000,100000,1000000]
      [--types line,timeseries,scatter] [--rounds 3] [--n 3] [--json out.json]
"""
import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def write_csv(path, kind, n, seed):
    rnd = random.Random(seed)
    with open(path, "w") as f:
        if kind in ("line", "timeseries"):
            f.write("t,value\n")
            y, start = 0.0, datetime.datetime(2024, 1, 1)
            for i in range(n):
                y += rnd.gauss(0, 1)
                t = (start + datetime.timedelta(minutes=i)).isoformat() if kind == "timeseries" else i
                f.write("%s,%.4f\n" % (t, y))
        else:
            f.write("x,y\n")
            for _ in range(n):
                x = rnd.gauss(0, 1)
                f.write("%.4f,%.4f\n" % (x, 0.6 * x + rnd.gauss(0, 0.8)))


def mpl_png(kind, xs, ys):
    fig = Figure(figsize=(8, 6), dpi=100)
    ax = fig.add_subplot()
    if kind in ("line", "timeseries"):
        ax.plot(xs, ys, linewidth=1.2)
    else:
        ax.scatter(xs, ys, s=6, alpha=0.5, linewidths=0)
    ax.set_title("%s, %d points" % (kind, len(xs)))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def numpy_columns(kind, text):
    """The CSV text as numpy arrays (timestamps as datetime64, which matplotlib plots as dates)."""
    if kind == "timeseries":
        arr = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, dtype=str)
        return arr[:, 0].astype("datetime64[s]"), arr[:, 1].astype(np.float64)
    arr = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, dtype=np.float64)
    return arr[:, 0], arr[:, 1]


def timed(fn, n, warmup=1):
    out, times = None, []
    for k in range(warmup + n):
        t0 = time.perf_counter()
        out = fn()
        if k >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def run_chartd(args, kind, path, n):
    cmd = ["lua5.4", os.path.join(HERE, "scale.lua"), "--cpath", args.cpath,
           "--type", "line" if kind == "timeseries" else kind,
           "--xtype", "temporal" if kind == "timeseries" else "quantitative", "--csv", path, "--n", str(n), "--warmup", "1"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        sys.exit("chartd failed: %s" % res.stderr.strip())
    return json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpath", default="build-rel/lib/?.so")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--types", default="line,timeseries,scatter")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=3, help="timed renders per round (after one warm-up)")
    ap.add_argument("--json")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.types.split(",")
    tmp = tempfile.mkdtemp(prefix="chartd-scale-")
    results = {}
    try:
        data = {}
        for kind in kinds:
            for n in sizes:
                path = os.path.join(tmp, "%s-%d.csv" % (kind, n))
                write_csv(path, kind, n, seed=n + len(kind))
                with open(path) as f:
                    text = f.read()
                data[(kind, n)] = (path, text)
        for r in range(args.rounds):
            for n in sizes:
                for kind in kinds:
                    path, text = data[(kind, n)]
                    cell = results.setdefault("%s/%d" % (kind, n), {"chartd": [], "validate": [], "mpl": [],
                                                                    "mpl_parse": [], "rss": [], "drawing": None})
                    c = run_chartd(args, kind, path, args.n)
                    cell["chartd"].append(c["median_ms"])
                    cell["validate"].append(c["validate_ms"])
                    cell["rss"].append(c["peak_rss_kb"])
                    cell["drawing"] = c.get("drawing")
                    parse_ms, (xs, ys) = timed(lambda: numpy_columns(kind, text), 1, warmup=0)
                    mpl_ms, _ = timed(lambda: mpl_png(kind, xs, ys), args.n)
                    cell["mpl"].append(mpl_ms)
                    cell["mpl_parse"].append(parse_ms)
                    print("round %d %-7s %8d  chartd %9.1f ms (CSV→columns %7.1f)  matplotlib %9.1f ms (+ numpy "
                          "parse %8.1f)" % (r + 1, kind, n, c["median_ms"], c["validate_ms"], mpl_ms, parse_ms),
                          file=sys.stderr)
    finally:
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
        os.rmdir(tmp)

    med = statistics.median
    print("| points | chart | chartd ms (CSV text → PNG) | of which CSV → columns | matplotlib ms (arrays → PNG) "
          "| numpy CSV → arrays ms | matplotlib ÷ chartd | chartd drawing | chartd peak RSS MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---|---:|")
    for kind in kinds:
        for n in sizes:
            cell = results["%s/%d" % (kind, n)]
            d = cell["drawing"] or {}
            how = d.get("method", "")
            if how == "m4":
                how = "m4: %d of %d points" % (d.get("drawn", 0), d.get("points", 0))
            print("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f× | %s | %.0f |" % (
                "{:,}".format(n), kind, med(cell["chartd"]), med(cell["validate"]), med(cell["mpl"]),
                med(cell["mpl_parse"]), med(cell["mpl"]) / med(cell["chartd"]), how, max(cell["rss"]) / 1024))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
