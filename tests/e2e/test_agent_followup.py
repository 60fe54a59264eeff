"""Follow-ups on one WebSocket connection edit the last chart (needs the host's ctx.previous /
ctx.remember): "make it a line chart" keeps the data and changes the type, "only 2024" keeps
that year's rows; another connection has no memory of it."""
import asyncio
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, connect, eq, recv_json, run, until_final  # noqa: E402

PROMPT = "quarterly revenue 2023-2024 for EMEA, APAC and Americas as a stacked bar"


def req(rid, prompt, **fields):
    msg = {"type": "chart.request", "id": rid, "prompt": prompt}
    msg.update(fields)
    return json.dumps(msg)


async def main():
    with Server() as s:
        async with connect(s) as ws:
            await recv_json(ws)
            await ws.send(req("a", PROMPT))
            _, first = await until_final(ws, "a")
            eq((first["type"], first["spec"]["type"]), ("chart", "bar"), "first chart")

            await ws.send(req("b", "make it a line chart"))
            _, line = await until_final(ws, "b")
            eq((line["type"], line["spec"]["type"]), ("chart", "line"), f"follow-up ({line.get('message')})")
            eq(line["spec"]["data"], first["spec"]["data"], "the follow-up keeps the data")
            eq((line["synthetic"], line["seed"]), (True, first["seed"]), "still marked illustrative")
            eq(line["spec"]["encoding"]["color"]["field"], "region", "series kept")

            await ws.send(req("c", "only 2024"))
            _, only = await until_final(ws, "c")
            eq(only["spec"]["type"], "line", "the edit before stays")
            eq(sorted({r["quarter"][:4] for r in only["spec"]["data"]["values"]}), ["2024"], "only 2024 left")
            eq(len(only["spec"]["data"]["values"]), 12, "4 quarters x 3 regions")

        async with connect(s) as ws2:
            await recv_json(ws2)
            await ws2.send(req("d", "make it a line chart"))
            _, fresh = await until_final(ws2, "d")
            # no previous chart here: the words are planned as a new request, not an edit
            check_no_region = "color" not in fresh.get("spec", {}).get("encoding", {})
            eq(check_no_region, True, "a new connection starts without memory")
    print("test_agent_followup: ok")


if __name__ == "__main__":
    run(main)
