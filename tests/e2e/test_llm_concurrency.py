"""LLM calls yield: 50 prompt requests whose LLM answer takes 1 s each, on 2 workers, are all in
flight at once, while a spec-only request on another connection is answered; a request cancelled
or timed out while its LLM call is in flight frees its transfer. Needs the agent to call
planner.openai when the planner is openai (lua/agent.lua)."""
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, Server, check, connect, eq, recv_json, run  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402

PLANNED = {"type": "bar", "title": "Revenue by month",
           "encoding": {"x": {"field": "month", "type": "nominal"}, "y": {"field": "revenue", "type": "quantitative"}}}


async def final(ws, rid):
    while True:
        m = await recv_json(ws, 60)
        if m.get("id") == rid and m["type"] != "progress":
            return m


async def main():
    fake = FakeOpenAI()
    fake.script([], default={"chat": {"content": PLANNED}, "delay": 1.0})
    env = {"OPENAI_API_KEY": "sk-e2e", "LLM_BASE_URL": fake.base_url, "CHART_GENERATION_TIMEOUT": "30"}
    with Server(env=env, workers=2) as srv:
        async with connect(srv) as ws, connect(srv) as ws2:
            await recv_json(ws)
            await recv_json(ws2)
            t0 = time.monotonic()
            for i in range(50):
                await ws.send(json.dumps({"type": "chart.request", "id": f"r{i}", "prompt": "revenue by month",
                                          "data": BAR_SPEC["data"]}))
            await asyncio.sleep(0.3)
            t1 = time.monotonic()
            await ws2.send(json.dumps({"type": "chart.request", "id": "s", "spec": BAR_SPEC}))
            m = await final(ws2, "s")
            spec_only = time.monotonic() - t1
            eq(m["type"], "chart", "spec-only reply")
            charts = 0
            while charts < 50:
                m = await recv_json(ws, 60)
                if m["type"] == "error":
                    raise AssertionError(f"error reply: {m}")
                if m["type"] == "chart":
                    eq(m["spec"]["type"], "bar", "planned type")
                    charts += 1
            total = time.monotonic() - t0
            starts = sorted(r["t"] for r in fake.requests())
            eq(len(starts), 50, "LLM calls")
            spread = starts[-1] - starts[0]
            print(f"50 prompt requests in {total:.2f} s (LLM calls spread {spread:.2f} s); "
                  f"spec-only answered in {spec_only * 1000:.0f} ms")
                    # Blocking calls would spread them over 25 s (2 workers x 50 x 1 s); starting a job
            # costs ~20-40 ms of Lua on a 2-core box, so they go out over 1-2.5 s.
            check(spread < 3.0, f"all 50 LLM calls in flight together (spread {spread:.2f} s)")
            # ~1.2 s measured on a quiet 2-core machine; blocking would take 25 s, two waves 2 s
            check(total < 5.0, f"50 x 1 s LLM calls on 2 workers took {total:.2f} s (blocking would take 25 s)")
            check(spec_only < 2.5, f"spec-only request waited {spec_only:.2f} s")

            # Cancel while the LLM call is in flight: answered at once, the worker serves on.
            fake.script([{"never_end": True}], default={"chat": {"content": PLANNED}})
            await ws.send(json.dumps({"type": "chart.request", "id": "c1", "prompt": "revenue by month",
                                      "data": BAR_SPEC["data"]}))
            await asyncio.sleep(0.5)
            await ws.send(json.dumps({"type": "chart.cancel", "id": "c1"}))
            m = await final(ws, "c1")
            eq((m["type"], m["code"]), ("error", "cancelled"), "cancelled during the LLM call")
            await ws.send(json.dumps({"type": "chart.request", "id": "after", "prompt": "revenue by month",
                                      "data": BAR_SPEC["data"]}))
            m = await final(ws, "after")
            eq(m["type"], "chart", "next request after a cancel")
    fake.close()


run(main)
