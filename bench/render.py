#!/usr/bin/env python3
"""chartd vs matplotlib render benchmark: every chart type at 800x600, PNG and SVG,
median of N renders after a warm-up; in the same run matplotlib (Agg) draws the same
data for the types it has. Prints a Markdown table (paste into docs/BENCHMARKS.md).

  CHARTD_BENCH=1 ./scripts/setup.sh        # installs python3-matplotlib (optional)
  /usr/bin/python3 bench/render.py [--cpath build/lib/?.so] [--n 30] [--warmup 5] [--compression 6]

chartd is timed inside one lua5.4 process (bench/render.lua against build/lib/chartd.so,
through pipeline.render: validate, layout, draw, encode); matplotlib inside this one.
"""
import argparse, io, json, os, statistics, subprocess, sys, tempfile, time
from collections import OrderedDict, defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def groups(records, key, value):
    out = OrderedDict()
    for r in records:
        if r.get(value) is not None:
            out.setdefault(r.get(key), []).append(r[value])
    return out


def pivot(records, x, y, c):
    """x keys (first-seen order) and per-colour summed y."""
    xs, series = [], OrderedDict()
    for r in records:
        if r[x] not in xs:
            xs.append(r[x])
        series.setdefault(r.get(c) if c else "", defaultdict(float))[r[x]] += r.get(y) or 0
    return xs, OrderedDict((k, [v[k] for k in xs]) for k, v in series.items())


def f(enc, ch):
    return enc.get(ch, {}).get("field")


def m_bar(ax, s):
    e = s["encoding"]
    xs, ser = pivot(s["records"], f(e, "x"), f(e, "y"), f(e, "color"))
    bottom = np.zeros(len(xs))
    for name, vals in ser.items():
        ax.bar(range(len(xs)), vals, bottom=bottom, label=name)
        bottom += vals
    ax.set_xticks(range(len(xs)), xs)


def m_lines(kind):
    def draw(ax, s):
        e = s["encoding"]
        xs, ser = pivot(s["records"], f(e, "x"), f(e, "y"), f(e, "color"))
        xi = range(len(xs))
        if kind == "area":
            ax.stackplot(xi, *ser.values(), labels=list(ser.keys()))
        for name, vals in ser.items():
            if kind == "step":
                ax.step(xi, vals, where="post", label=name)
            elif kind == "line":
                ax.plot(xi, vals, marker="o", label=name)
        ax.set_xticks(list(xi)[:: max(1, len(xs) // 8)])
    return draw


def m_scatter(ax, s):
    e = s["encoding"]
    by = groups(s["records"], f(e, "color"), f(e, "x")) if f(e, "color") else {"": None}
    for name in by:
        rs = [r for r in s["records"] if not f(e, "color") or r.get(f(e, "color")) == name]
        size = [r.get(f(e, "size")) or 1 for r in rs] if f(e, "size") else None
        if size:
            mx = max(size)
            size = [20 + 200 * v / mx for v in size]
        ax.scatter([r[f(e, "x")] for r in rs], [r[f(e, "y")] for r in rs], s=size, alpha=0.8, label=name)


def m_pie(hole):
    def draw(ax, s):
        e = s["encoding"]
        g = groups(s["records"], f(e, "color"), f(e, "theta"))
        ax.pie([sum(v) for v in g.values()], labels=list(g.keys()), autopct="%1.0f%%",
               wedgeprops={"width": 0.4} if hole else None)
    return draw


def m_hist(ax, s):
    e = s["encoding"]
    ax.hist([r[f(e, "x")] for r in s["records"] if r.get(f(e, "x")) is not None],
            bins=e["x"].get("bin", {}).get("maxbins", 10))


def m_heatmap(ax, s):
    e = s["encoding"]
    xs, ser = pivot(s["records"], f(e, "x"), f(e, "color"), f(e, "y"))
    im = ax.imshow(np.array(list(ser.values())), aspect="auto", cmap="Blues")
    ax.set_xticks(range(len(xs)), xs)
    ax.set_yticks(range(len(ser)), list(ser.keys()))
    plt.colorbar(im, ax=ax)


def m_dist(kind):
    def draw(ax, s):
        e = s["encoding"]
        g = groups(s["records"], f(e, "x"), f(e, "y"))
        if kind == "box":
            ax.boxplot(list(g.values()), labels=list(g.keys()))
        elif kind == "violin":
            ax.violinplot(list(g.values()), showmedians=True)
            ax.set_xticks(range(1, len(g) + 1), list(g.keys()))
        else:  # strip: jittered points per category
            rng = np.random.default_rng(1)
            for i, vals in enumerate(g.values()):
                ax.scatter(i + rng.uniform(-0.2, 0.2, len(vals)), vals, s=10, alpha=0.7)
            ax.set_xticks(range(len(g)), list(g.keys()))
    return draw


def m_ecdf(ax, s):
    e = s["encoding"]
    g = groups(s["records"], f(e, "color"), f(e, "x")) if f(e, "color") else {"": [r[f(e, "x")] for r in s["records"]]}
    for name, vals in g.items():
        v = np.sort(vals)
        ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", label=name)


def m_hexbin(ax, s):
    e = s["encoding"]
    hb = ax.hexbin([r[f(e, "x")] for r in s["records"]], [r[f(e, "y")] for r in s["records"]], gridsize=30, cmap="Blues")
    plt.colorbar(hb, ax=ax)


def m_lollipop(ax, s):
    e = s["encoding"]
    g = groups(s["records"], f(e, "x"), f(e, "y"))
    names, vals = list(g.keys()), [sum(v) for v in g.values()]
    ax.hlines(range(len(names)), 0, vals)
    ax.plot(vals, range(len(names)), "o")
    ax.set_yticks(range(len(names)), names)


MATPLOTLIB = {
    "bar": m_bar, "line": m_lines("line"), "area": m_lines("area"), "step": m_lines("step"),
    "scatter": m_scatter, "bubble": m_scatter, "pie": m_pie(False), "donut": m_pie(True),
    "histogram": m_hist, "heatmap": m_heatmap, "box": m_dist("box"), "violin": m_dist("violin"),
    "strip": m_dist("strip"), "ecdf": m_ecdf, "hexbin": m_hexbin, "lollipop": m_lollipop,
}


def mpl_render(draw, s, fmt):
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)  # 800x600 px
    draw(ax, s)
    ax.set_title(s.get("title") or "")
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    return buf.getvalue()


def mpl_bench(draw, s, fmt, n, warmup):
    times = []
    for k in range(warmup + n):
        t0 = time.perf_counter()
        mpl_render(draw, s, fmt)
        if k >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpath", default="build/lib/?.so")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--compression", type=int)
    ap.add_argument("--json", help="also write all numbers to this file")
    ap.add_argument("types", nargs="*")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples_path = os.path.join(tmp, "samples.json")
        cmd = ["lua5.4", "bench/render.lua", "--cpath", a.cpath, "--n", str(a.n), "--warmup", str(a.warmup),
               "--samples", samples_path] + (["--compression", str(a.compression)] if a.compression is not None else []) + a.types
        ours = json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
        samples = json.load(open(samples_path))
    rows, record = [], {"chartd": ours, "matplotlib": {}, "matplotlib_version": matplotlib.__version__}
    print(f"| type | chartd PNG ms | PNG encode ms | PNG KB | chartd SVG ms | matplotlib PNG ms | matplotlib SVG ms | PNG × | SVG × |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in sorted(ours["types"]):
        o = ours["types"][t]
        mp = ms = None
        if t in MATPLOTLIB:
            mp = mpl_bench(MATPLOTLIB[t], samples[t], "png", a.n, a.warmup)
            ms = mpl_bench(MATPLOTLIB[t], samples[t], "svg", a.n, a.warmup)
            record["matplotlib"][t] = {"png_ms": mp, "svg_ms": ms}
        fmt = lambda v: f"{v:.1f}" if v is not None else "—"
        ratio = lambda m, c: f"{m / c:.0f}×" if m else "—"
        print(f"| {t} | {o['png']['median_ms']:.1f} | {o['png']['encode_ms']:.1f} | {o['png']['bytes'] / 1024:.0f} | "
              f"{o['svg']['median_ms']:.1f} | {fmt(mp)} | {fmt(ms)} | {ratio(mp, o['png']['median_ms'])} | "
              f"{ratio(ms, o['svg']['median_ms'])} |")
    if a.json:
        json.dump(record, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
