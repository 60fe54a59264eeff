"""Charts of numbers written the way spreadsheets export them ("45,939", "58%", "$1,200.50",
"(1,234)", "12.5 %") draw the numbers, not categories: for random tables in random formats,
`chartd render --data FILE` labels each bar with its value and the axis with the column's unit,
and the real server answers a prompt on such a CSV with the means computed here."""
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, Server, check, connect, eq, recv_json, run, until_final  # noqa: E402

GROUPS = [",", " ", "\u00a0", "\u2009"]


def write(value, fmt):
    """value (cents as an int) in format fmt → text."""
    whole, cents = divmod(abs(value), 100)
    digits = f"{whole:,}".replace(",", fmt["group"]) if fmt["group"] else str(whole)
    body = digits + (f".{cents:02d}" if fmt["decimals"] else "")
    if fmt["unit"] == "%":
        body += fmt["space"] + "%"
    elif fmt["unit"]:
        body = fmt["unit"] + fmt["space"] + body
    if value < 0:
        body = f"({body})" if fmt["parens"] else "-" + body
    return body


def random_format(rng):
    return {"group": rng.choice(GROUPS + [""]), "decimals": rng.random() < 0.5, "space": rng.choice(["", " "]),
            "unit": rng.choice(["%", "$", None]), "parens": rng.random() < 0.5}


def random_table(rng):
    fmt = random_format(rng)
    n = rng.randint(3, 10)
    big = rng.choice([10**3, 10**6, 10**8]) if fmt["unit"] != "%" else 10**4
    values = [rng.randint(-big // 5, big) for _ in range(n)]
    if fmt["decimals"] is False:
        values = [v - v % 100 for v in values]
    values[0] = abs(values[0]) + 100  # a column of nothing but "(1)" stays text
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["item", "amount"])
    for i, v in enumerate(values):
        w.writerow([f"item {chr(65 + i)}", write(v, fmt)])
    return buf.getvalue(), [v / 100 for v in values], fmt


def number_of(label):
    """A drawn label ("$1.2M", "−5%", "45,939", "12.5k") → its number."""
    t = label.replace("\u2212", "-").replace(",", "").replace("$", "").replace("%", "").strip()
    mult = {"k": 1e3, "M": 1e6, "B": 1e9}.get(t[-1:], 1)
    return float(t.rstrip("kMB")) * mult, len(t.rstrip("kMB").partition(".")[2]), mult


def render(csv_text, tmp):
    data = os.path.join(tmp, "data.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write(csv_text)
    spec = {"type": "bar", "encoding": {"x": {"field": "item", "sort": None}, "y": {"field": "amount"}},
            "options": {"labels": True}}
    scene = os.path.join(tmp, "scene.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART"))}
    env["CHARTD_HOME"] = ROOT
    p = subprocess.run([BIN, "render", "-", "--data", data, "-o", os.path.join(tmp, "out.png"), "--scene", scene],
                       input=json.dumps(spec).encode(), env=env, capture_output=True, timeout=60, cwd=tmp)
    eq(p.returncode, 0, f"render: {p.stderr.decode()}")
    with open(scene) as f:
        return json.load(f)


async def main():
    rng = random.Random(20261206)
    tmp = tempfile.mkdtemp(prefix="chartd-written-")
    for case in range(12):
        text, values, fmt = random_table(rng)
        items = render(text, tmp)["items"]
        labels = [i["text"] for i in items if i["kind"] == "text" and i["role"] == "data-label"]
        ticks = [i["text"] for i in items if i["kind"] == "text" and i["role"] == "tick-label"]
        eq(len(labels), len(values), f"case {case}: one label a bar\n{text}")
        for label, want in zip(labels, values):
            got, decimals, mult = number_of(label)
            check(abs(got - want) <= 0.5 * 10 ** -decimals * mult + 1e-9,
                  f"case {case}: label {label!r} for {want}\n{text}")
            if fmt["unit"]:
                check(fmt["unit"] in label, f"case {case}: label {label!r} without {fmt['unit']}")
        if fmt["unit"]:
            check(any(fmt["unit"] in t for t in ticks), f"case {case}: no {fmt['unit']} on the axis: {ticks}")

    # The server, with a prompt: UrbanPop-like percentages by group, averaged.
    rows = [("north" if i % 2 else "south", rng.randint(20, 99)) for i in range(30)]
    text = "region,urban share\n" + "".join(f"{r},{v}%\n" for r, v in rows)
    want = {g: sum(v for r, v in rows if r == g) / sum(1 for r, _ in rows if r == g) for g in ("north", "south")}
    with Server() as s:
        async with connect(s) as ws:
            await recv_json(ws)  # hello
            await ws.send(json.dumps({"type": "chart.request", "id": "r1", "prompt": "average urban share by region",
                                      "data": text, "format": "svg"}))
            _, final = await until_final(ws, "r1", timeout=60)
            eq(final["type"], "chart", f"reply: {final}")
            check(not final.get("synthetic"), "drawn on the data sent")
            summary = final["data_summary"]
            got = {r[0]: r[1] for r in summary["rows"]}
            eq(sorted(got), ["north", "south"], f"groups: {summary}")
            for g, v in want.items():
                check(abs(got[g] - v) < 1e-9, f"mean of {g}: {got[g]} want {v}")
            eq(final["spec"]["encoding"]["y"].get("format"), "percent", "the axis shows the percent sign")
            m = re.search(r"Highest: \w+ \(([\d.]+)%\)", final["alt"])
            check(m and abs(float(m.group(1)) - max(want.values())) <= 0.5, f"alt text with the unit: {final['alt']}")


run(main)
