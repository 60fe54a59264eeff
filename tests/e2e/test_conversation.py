"""Conversations on a real server: the data a client sends is kept for its follow-ups (never
re-invented), real data sizes come in (a generated 10 MB CSV and superstore.csv, over WebSocket
and HTTP, under the default limits the hello message announces), every follow-up gets an honest
outcome (edit, styling note, unclear_followup with suggestions), and the conversation memory
budget (CHARTD_CONVERSATION_MB) evicts the least recently used data with a clear error."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import ROOT, Server, check, connect, eq, http, recv_json, run, until_final  # noqa: E402

SHARED = os.path.join(ROOT, "..", "shared", "data")


def big_csv(target_bytes, seed=7):
    """A realistic order table (dates, categories, prices, text) of about target_bytes."""
    rng = random.Random(seed)
    regions = ["North", "South", "East", "West", "Central"]
    products = ["Desk Lamp", "Office Chair", "Notebook, A5", "Stapler", "Monitor Arm", "Whiteboard"]
    modes = ["Standard Class", "Second Class", "First Class", "Same Day"]
    lines = ["order_id,order_date,ship_date,ship_mode,region,city,product,units,unit_price,discount,profit,customer"]
    size = len(lines[0]) + 1
    i = 0
    while size < target_bytes:
        i += 1
        p = rng.choice(products)
        m = rng.randint(1, 12)
        line = "ORD-2024-%06d,2024-%02d-%02d,2024-%02d-%02d,%s,%s,City %03d,%s,%d,%.2f,%.2f,%.2f,Customer %05d" % (
            i, m, rng.randint(1, 28), m, 28, rng.choice(modes), rng.choice(regions), rng.randint(1, 300),
            '"%s"' % p if "," in p else p, rng.randint(1, 20), rng.uniform(2, 400), rng.choice([0, 0.05, 0.1, 0.2]),
            rng.uniform(-50, 150), rng.randint(1, 20000))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines) + "\n", i


async def ask(ws, rid, timeout=120, **fields):
    await ws.send(json.dumps({"type": "chart.request", "id": rid, **fields}))
    _, reply = await until_final(ws, rid, timeout)
    return reply


def fields(chart):
    enc = chart["spec"]["encoding"]
    return {k: (v.get("field") if isinstance(v, dict) else None) for k, v in enc.items()}


async def main():
    csv10, rows10 = big_csv(10_000_000)
    check(len(csv10.encode()) >= 10_000_000, "the generated CSV is 10 MB")
    with open(os.path.join(SHARED, "superstore.csv"), encoding="utf-8") as f:
        superstore = f.read()

    with Server() as s:
        async with connect(s, max_size=2 ** 28) as ws:
            hello = await recv_json(ws)
            limits = hello["limits"]
            check(limits["max_request_bytes"] >= 10_500_000, f"hello announces a limit above 10 MB: {limits}")
            check(limits["conversation_bytes"] > 0 and limits["max_rows"] > 0, f"hello limits {limits}")

            # 10 MB of CSV, under the default limits; then follow-ups on it, without resending it
            chart = await ask(ws, "big1", prompt="total units by region", data=csv10)
            eq(chart["type"], "chart", f"10 MB CSV answered ({chart.get('message')})")
            eq((chart["synthetic"], fields(chart)["x"]), (False, "region"), "drawn on the data sent")
            chart = await ask(ws, "big2", prompt="only East and West, as a pie")
            eq((chart["type"], chart["spec"]["type"], chart["synthetic"]), ("chart", "pie", False), "follow-up on it")
            eq(chart["outcome"], "edit", "read as an edit")
            summary = chart["data_summary"]
            eq(sorted(r[0] for r in summary["rows"]), ["East", "West"],
               f"the filter applied to the data sent ({summary['columns']})")
            check(chart["data_omitted"]["rows"] > 10000, f"the filtered rows are not echoed back: {chart.get('data_omitted')}")

            # superstore.csv: the chart and the data are remembered for every follow-up
            chart = await ask(ws, "s1", prompt="average profit by region", data=superstore)
            eq((fields(chart)["x"], chart["spec"]["encoding"]["y"]["aggregate"]), ("Region", "mean"), "turn 1")
            chart = await ask(ws, "s2", prompt="split by segment")
            eq((fields(chart)["color"], chart["synthetic"]), ("Segment", False), "turn 2: kept data")
            chart = await ask(ws, "s3", prompt="use the median instead")
            eq(chart["spec"]["encoding"]["y"]["aggregate"], "median", "turn 3")
            # styling that maps to the spec is applied; what does not is noted, the chart unchanged
            chart = await ask(ws, "s4", prompt="gridlines off")
            eq(chart["spec"].get("config", {}).get("axis", {}).get("grid"), False, "gridlines off applied")
            before = fields(chart)
            chart = await ask(ws, "s5", prompt="make it look more modern")
            eq((chart["outcome"], fields(chart)), ("style", before), "unapplied styling keeps the chart")
            check(chart["notes"] and "not applied" in chart["notes"][0], f"a note says so: {chart.get('notes')}")
            # an unreadable follow-up: an error with suggestions, and the conversation stays
            err = await ask(ws, "s6", prompt="zorp the blarg")
            eq((err["type"], err["code"]), ("error", "unclear_followup"), "unclear follow-up")
            check(len(err["suggestions"]) >= 3, f"suggestions {err.get('suggestions')}")
            chart = await ask(ws, "s7", prompt="as a line chart")
            eq((chart["spec"]["type"], fields(chart)["color"], chart["synthetic"]), ("line", "Segment", False),
               "the chart and its data outlived the unclear turn")
            chart = await ask(ws, "s8", prompt="undo")
            eq(chart["spec"]["type"], "bar", "undo goes back")
            # the same data sent again is still the same conversation
            chart = await ask(ws, "s9", prompt="horizontal", data=superstore)
            eq((chart["outcome"], chart["spec"]["options"].get("horizontal")), ("edit", True), "resent data: an edit")

        # the same CSV over HTTP (10 MB body under the default cap)
        body = json.dumps({"prompt": "average unit price by product", "data": csv10}).encode()
        status, headers, reply = http(s.base + "/v1/charts", body, headers={"Accept": "application/json"},
                                      method="POST", timeout=180)
        eq(status, 200, f"10 MB CSV over HTTP ({reply[:200]!r})")
        eq(json.loads(reply)["spec"]["encoding"]["x"]["field"], "product", "HTTP chart on the data sent")

    # the conversation memory budget: 1 MiB, two conversations of ~0.7 MB each
    with Server(env={"CHARTD_CONVERSATION_MB": "1"}) as s:
        small, _ = big_csv(700_000, seed=1)
        other, _ = big_csv(700_000, seed=2)
        async with connect(s, max_size=2 ** 26) as a, connect(s, max_size=2 ** 26) as b:
            await recv_json(a)
            await recv_json(b)
            eq((await ask(a, "a1", prompt="units by region", data=small))["type"], "chart", "a: turn 1")
            eq((await ask(b, "b1", prompt="units by region", data=other))["type"], "chart", "b: turn 1")
            # b's data pushed a's out (least recently used): a's follow-up says so, b's works
            err = await ask(a, "a2", prompt="as a line")
            eq((err["type"], err["code"]), ("error", "data_evicted"), "a's data was evicted")
            check("CHARTD_CONVERSATION_MB" in err["message"] and "send it again" in err["message"], err["message"])
            eq((await ask(b, "b2", prompt="as a line"))["spec"]["type"], "line", "b's follow-up")
            # sending the data again restores a's conversation (and now b's goes)
            chart = await ask(a, "a3", prompt="as a line", data=small)
            eq((chart["type"], chart["spec"]["type"]), ("chart", "line"), "a: data sent again")
            m = s.metrics()
            check(m["chartd_conversation_evictions_total"] >= 2, f"evictions counted {m}")
            check(m["chartd_conversation_bytes"] <= 1024 * 1024, "the budget holds")


run(main)
