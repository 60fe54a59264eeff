"""Prompts against the real server with the offline planner: a prompt-only request is planned,
filled with seeded synthetic data and marked; a prompt with CSV data uses its columns; the
same prompt and seed give the same data; progress includes the planning stage."""
import asyncio
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, check, connect, eq, http, png_size, recv_json, run, until_final  # noqa: E402

STAGES = ["initialization", "planning", "data_processing", "rendering", "encoding", "completion"]
CSV = "month,revenue,region\n2024-01,120,EU\n2024-02,90,EU\n2024-03,150,US\n2024-04,60,US\n"
PROMPT = "quarterly revenue 2023-2024 for EMEA, APAC and Americas as a stacked bar, dark theme"


def req(rid, **fields):
    msg = {"type": "chart.request", "id": rid}
    msg.update(fields)
    return json.dumps(msg)


def stage_order(progress):
    stages = []
    for p in progress:
        if not stages or stages[-1] != p["stage"]:
            stages.append(p["stage"])
    return stages


async def main_ws(s):
    async with connect(s) as ws:
        hello = await recv_json(ws)
        eq(hello["planner"], "offline", "hello names the planner")

        await ws.send(req("p1", prompt=PROMPT, width=640, height=480))
        progress, chart = await until_final(ws, "p1")
        eq(chart["type"], "chart", f"prompt-only reply ({chart.get('message')})")
        eq(stage_order(progress), STAGES, "progress stages")
        pcts = [p["progress"] for p in progress]
        check(all(a < b for a, b in zip(pcts, pcts[1:])), f"percentages rise: {pcts}")
        check(any(p["stage"] == "data_processing" and "synthesized 24" in p["message"] for p in progress),
              "a progress message names the synthesized rows")
        eq((chart["planner"], chart["synthetic"]), ("offline", True), "planner and synthetic")
        check(isinstance(chart["seed"], int), f"seed {chart.get('seed')!r}")
        check("fallback_reason" not in chart, "no fallback without an LLM")
        spec = chart["spec"]
        eq((spec["type"], spec["theme"], spec["options"]), ("bar", "dark", {"stacked": True}), "planned spec")
        eq(spec["seed"], chart["seed"], "the spec carries the seed")
        rows = spec["data"]["values"]
        eq(len(rows), 24, "8 quarters x 3 regions")
        eq(sorted({r["region"] for r in rows}), ["APAC", "Americas", "EMEA"], "the named regions")
        eq(sorted({r["quarter"] for r in rows})[0], "2023-Q1", "first quarter")
        eq(sorted({r["quarter"] for r in rows})[-1], "2024-Q4", "last quarter")
        check(all(isinstance(r["revenue"], (int, float)) and r["revenue"] > 0 for r in rows), "revenue positive")
        eq(png_size(base64.b64decode(chart["data"])), (640, 480), "PNG size")

        # the same prompt and seed draw the same data; another seed draws other data
        await ws.send(req("p2", prompt=PROMPT, seed=chart["seed"], width=640, height=480))
        _, again = await until_final(ws, "p2")
        eq(again["spec"]["data"], spec["data"], "same seed, same data")
        await ws.send(req("p3", prompt=PROMPT, seed=chart["seed"] + 1))
        _, other = await until_final(ws, "p3")
        eq(other["seed"], chart["seed"] + 1, "the request's seed")
        check(other["spec"]["data"] != spec["data"], "another seed, other data")

        # prompt + CSV: the real columns, no synthesis
        await ws.send(req("c1", prompt="total revenue by region", data=CSV))
        progress, chart = await until_final(ws, "c1")
        eq(chart["type"], "chart", f"prompt+data reply ({chart.get('message')})")
        eq((chart["planner"], chart["synthetic"]), ("offline", False), "not synthetic")
        check("seed" not in chart, "no seed without synthesis")
        enc = chart["spec"]["encoding"]
        eq((chart["spec"]["type"], enc["x"]["field"], enc["y"]["field"], enc["y"]["aggregate"]),
           ("bar", "region", "revenue", "sum"), "planned from the CSV's columns")
        eq(len(chart["spec"]["data"]["values"]), 4, "the CSV's rows")

        await ws.send(req("bad", prompt="revenue by month", seed="x"))
        _, err = await until_final(ws, "bad")
        eq((err["type"], err["code"], err.get("path")), ("error", "invalid_request", "seed"), "bad seed")


def main_http(s):
    status, headers, body = http(s.base + "/v1/charts", {"prompt": "monthly active users in 2024", "seed": 5},
                                 headers={"Accept": "application/json"})
    eq(status, 200, f"POST a prompt ({body[:200]!r})")
    chart = json.loads(body)
    eq((chart["planner"], chart["synthetic"], chart["seed"]), ("offline", True, 5), "HTTP reply fields")
    eq([r["month"] for r in chart["spec"]["data"]["values"]][:2], ["2024-01", "2024-02"], "months of 2024")


async def main():
    with Server() as s:
        await main_ws(s)
        main_http(s)
    print("test_agent: ok")


if __name__ == "__main__":
    run(main)
