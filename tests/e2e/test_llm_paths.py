"""The LLM path against the real server and a real HTTP server standing in for the LLM
(fake_openai.py): each failure of issue #14 as a scenario that must end in a chart or a
documented error within the deadline, never `internal`, with no more LLM calls than needed.

What the planner learns about a server (its response format, the token parameter's name) is
kept for the whole process (chartd.memo): with two workers, every later request starts there."""
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, check, connect, eq, recv_json, run, until_final  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402

CSV = "region,revenue,month\nEU,10,2024-01\nUS,20,2024-01\nEU,5,2024-02\nAPAC,7,2024-02\n"
HORIZONTAL = {"type": "bar", "options": {"horizontal": True},
              "encoding": {"y": {"field": "region", "type": "nominal"},
                           "x": {"field": "revenue", "type": "quantitative", "aggregate": "sum"}}}
GOOD = {"type": "bar", "encoding": {"x": {"field": "region", "type": "nominal"},
                                    "y": {"field": "revenue", "type": "quantitative", "aggregate": "sum"}}}


def env_for(fake, **extra):
    env = {"OPENAI_API_KEY": "sk-test-paths", "LLM_BASE_URL": fake.base_url, "LLM_MODEL": "gpt-4o-mini",
           "CHART_GENERATION_TIMEOUT": "10"}
    env.update(extra)
    return env


def answer(content, **extra):
    chat = {"content": content if content is None or isinstance(content, str) else json.dumps(content)}
    chat.update(extra)
    return {"chat": chat}


class Session:
    def __init__(self, ws):
        self.ws = ws
        self.n = 0

    async def ask(self, prompt, **fields):
        self.n += 1
        rid = f"r{self.n}"
        msg = {"type": "chart.request", "id": rid, "prompt": prompt, "width": 320, "height": 240}
        msg.update(fields)
        t0 = time.monotonic()
        await self.ws.send(json.dumps(msg))
        progress, final = await until_final(self.ws, rid, timeout=40)
        check(final.get("code") != "internal", f"internal error: {final}")
        return progress, final, time.monotonic() - t0


def chat_requests(fake):
    return [r for r in fake.requests() if r["path"].endswith("/chat/completions")]


def formats(reqs):
    return [(r["json"].get("response_format") or {}).get("type", "plain") for r in reqs]


async def valid_answers(s, fake):
    """A valid answer renders on the real data; JSON in fences or after prose is read; a bad
    answer's repair turn carries the decoder's own error."""
    fake.script([answer(HORIZONTAL)])
    _, chart, _ = await s.ask("revenue by region, horizontal", data=CSV)
    eq((chart["type"], chart["planner"], chart["llm_calls"]), ("chart", "openai", 1), f"horizontal bar {chart}")
    eq(chart["data_summary"]["rows"], [["EU", 15], ["US", 20], ["APAC", 7]], "summed per region")
    # the rules read "swap axes" themselves (no LLM call); what they cannot read goes to the LLM
    _, again, _ = await s.ask("swap axes")
    eq((again["type"], again["planner"], again["outcome"]), ("chart", "offline", "edit"), f"'swap axes' {again}")
    eq(again["spec"]["encoding"]["y"]["type"], "quantitative", "swapped: the values are on y now")
    fake.script([answer(GOOD)])
    _, again, _ = await s.ask("show it the way an accountant would")
    eq((again["type"], again["planner"], again["llm_calls"]), ("chart", "openai", 1), f"an edit for the LLM {again}")

    fenced = "Here is the chart:\n```json\n" + json.dumps(GOOD) + "\n```\nEnjoy!"
    prose = "Sure! The spec is " + json.dumps(GOOD) + " -- it compares regions {roughly}."
    for text in (fenced, prose):
        fake.state.requests.clear()
        fake.script([answer(text)])
        _, chart, _ = await s.ask("revenue by region", data=CSV)
        eq((chart["type"], chart["llm_calls"]), ("chart", 1), f"read from {text[:30]!r}: {chart}")

    fake.state.requests.clear()
    fake.script([answer('{"type": "bar", "encoding": {"x": '), answer(GOOD)])
    progress, chart, _ = await s.ask("revenue by region", data=CSV)
    eq((chart["type"], chart["llm_calls"]), ("chart", 2), "repaired after broken JSON")
    repair = chat_requests(fake)[1]["json"]["messages"][-1]["content"]
    check("not valid JSON" in repair and "empty reply" not in repair and ("line" in repair or "column" in repair),
          f"the repair turn names the decoder's error: {repair!r}")
    texts = [p["message"] for p in progress]
    check(any("(attempt 2)" in t for t in texts), f"progress counts the second call as attempt 2: {texts}")


async def hanging(fake):
    """A hanging LLM: LLM_TIMEOUT ends it, the offline planner answers before the request's
    deadline, and says why."""
    fake.script([], default={"chat": {"content": json.dumps(GOOD)}, "delay": 30})
    with Server(env=env_for(fake, CHART_GENERATION_TIMEOUT="8", LLM_TIMEOUT="2"), workers=1) as srv:
        async with connect(srv) as ws:
            await recv_json(ws)
            progress, chart, took = await Session(ws).ask("revenue by region", data=CSV)
            eq((chart["type"], chart["planner"], chart["fallback_reason"]), ("chart", "offline", "timeout"),
               f"offline fallback on the LLM's deadline: {chart}")
            check(1.5 < took < 6, f"answered after the LLM's 2 s, well before the 8 s deadline ({took:.1f} s)")
            check(any("planning offline" in p["message"] for p in progress), "progress announces the fallback")
        m = srv.metrics()
        eq(m.get('chartd_llm_fallbacks_total{reason="timeout"}'), 1.0, "fallback counted by reason")
        check(m.get('chartd_llm_calls_total{outcome="timeout"}', 0) >= 1, "the timed-out call is counted")


# (server profile, formats it refuses, the formats chartd tries in order)
LADDERS = [
    ("openai", ["json_schema"], ["json_schema", "json_object"]),
    ("vllm", ["json_schema"], ["json_schema", "json_object"]),
    ("llamacpp", ["json_schema"], ["json_schema", "json_object"]),
    ("lmstudio", ["json_schema", "json_object"], ["json_schema", "json_object", "plain"]),
    ("ollama", ["json_schema"], ["json_schema", "json_object"]),
    ("llama_cpp_python", ["json_schema"], ["json_schema", "json_object"]),
]


async def ladders():
    """Each server's own refusal steps the format down; the next request starts where it worked;
    a server that takes none of them (even plain) ends in the offline planner, saying why."""
    for name, refuse, tried in LADDERS:
        fake = FakeOpenAI()
        fake.script([], default=answer(GOOD), server={"name": name, "refuse": refuse})
        with Server(env=env_for(fake), workers=2) as srv:
            async with connect(srv) as ws:
                await recv_json(ws)
                s = Session(ws)
                progress, chart, _ = await s.ask("revenue by region", data=CSV)
                eq((chart["type"], chart["planner"], chart["llm_calls"]), ("chart", "openai", len(tried)),
                   f"{name}: {chart}")
                eq(formats(chat_requests(fake)), tried, f"{name}: formats tried")
                check(any("refused" in p["message"] for p in progress), f"{name}: progress says what was refused")
                fake.state.requests.clear()
                for _ in range(3):  # whichever worker takes them
                    _, chart, _ = await s.ask("revenue by month", data=CSV)
                    eq((chart["type"], chart["llm_calls"]), ("chart", 1), f"{name}: a later request")
                eq(formats(chat_requests(fake)), tried[-1:] * 3, f"{name}: remembered")
        # (the log is complete once the server has stopped)
        steps = [e for e in srv.log_events() if e.get("event") == "llm_format_step"]
        eq(len(steps), len(tried) - 1, f"{name}: each step logged")
        check(all(e.get("server_message") for e in steps), f"{name}: the server's message is logged: {steps}")
        fake.close()

    fake = FakeOpenAI()
    fake.script([], default=answer(GOOD), server={"name": "vllm", "refuse": ["json_schema", "json_object", "plain"]})
    with Server(env=env_for(fake), workers=1) as srv:
        async with connect(srv) as ws:
            await recv_json(ws)
            _, chart, _ = await Session(ws).ask("revenue by region", data=CSV)
            eq((chart["type"], chart["planner"], chart["fallback_reason"], chart["llm_calls"]),
               ("chart", "offline", "bad_request", 3), f"nothing left to try: {chart}")
            check("xgrammar" in chart["fallback_detail"], f"the server's message is kept: {chart['fallback_detail']}")
        m = srv.metrics()
        eq(m.get('chartd_llm_calls_total{outcome="bad_request"}'), 3.0, "three refused calls counted")
    fake.close()


async def reasoning():
    """Reasoning models get max_completion_tokens and no temperature by family; a model not
    known by name that refuses max_tokens, then the temperature, is asked again once for each,
    and that is remembered."""
    fake = FakeOpenAI()
    fake.script([], default=answer(GOOD), server={"name": "openai", "refuse": [], "reasoning": True})
    for model, calls_first in (("gpt-5-mini", 1), ("house-reasoner", 3)):
        fake.state.requests.clear()
        with Server(env=env_for(fake, LLM_MODEL=model), workers=1) as srv:
            async with connect(srv) as ws:
                await recv_json(ws)
                s = Session(ws)
                _, chart, _ = await s.ask("revenue by region", data=CSV)
                reqs = chat_requests(fake)
                eq((chart["type"], chart["llm_calls"], len(reqs)), ("chart", calls_first, calls_first), f"{model}")
                last = reqs[-1]["json"]
                check("max_completion_tokens" in last and "max_tokens" not in last and "temperature" not in last,
                      f"{model}: {last.keys()}")
                fake.state.requests.clear()
                _, chart, _ = await s.ask("revenue by month", data=CSV)
                eq(chart["llm_calls"], 1, f"{model}: remembered")
    fake.close()


async def endings(s, fake):
    """Refusal and content_filter end in one call with llm_invalid_output; null content in one
    call and an announced offline fallback."""
    for reply, what in ((answer(None, refusal="I can't help with that."), "refusal"),
                        (answer(json.dumps(GOOD), finish_reason="content_filter"), "content_filter")):
        fake.state.requests.clear()
        fake.script([reply], default=answer(GOOD))
        _, final, _ = await s.ask("revenue by region", data=CSV)
        eq((final["type"], final["code"], len(chat_requests(fake))), ("error", "llm_invalid_output", 1), what)
    fake.state.requests.clear()
    fake.script([answer(None)], default=answer(GOOD))
    progress, chart, _ = await s.ask("revenue by region", data=CSV)
    eq((chart["type"], chart["planner"], chart["fallback_reason"], chart["llm_calls"]),
       ("chart", "offline", "no_content", 1), f"null content: {chart}")
    eq(len(chat_requests(fake)), 1, "one call for null content")
    check(not any("unavailable" in p["message"] for p in progress), "not called unavailable: it answered")

    fake.state.requests.clear()
    fake.script([], default=answer('{"type": "bar", "encoding": {"x": {"field": "nope"}}}'))
    progress, chart, _ = await s.ask("revenue by region", data=CSV)
    eq((chart["type"], chart["fallback_reason"], chart["llm_calls"]), ("chart", "invalid_output", 4), "invalid x4")
    texts = [p["message"] for p in progress]
    check(any("(attempt 4)" in t for t in texts), f"the true attempt numbers: {texts}")
    check(any("gave no valid chart spec" in t and "planning offline" in t for t in texts), f"the true reason: {texts}")


async def main():
    fake = FakeOpenAI()
    with Server(env=env_for(fake), workers=1) as srv:
        async with connect(srv) as ws:
            await recv_json(ws)
            s = Session(ws)
            await valid_answers(s, fake)
            fake.state.requests.clear()
            fake.script([answer(GOOD)])
            await s.ask("revenue by region", data=CSV)
            body = chat_requests(fake)[0]["json"]
            eq((body.get("temperature"), body.get("seed")), (0, 1), "reproducible defaults")
            await endings(s, fake)
        m = srv.metrics()
        check(m.get('chartd_llm_calls_total{outcome="ok"}', 0) >= 10, f"ok calls counted: {m}")
        check(m.get("chartd_llm_repairs_total", 0) >= 4, "repairs counted")
        eq(m.get('chartd_llm_fallbacks_total{reason="no_content"}'), 1.0, "fallbacks by reason")
        check(m.get('chartd_llm_tokens_total{kind="prompt"}', 0) >= 50, "tokens from usage")
        check(m.get("chartd_llm_call_seconds_count", 0) >= 10, "latency histogram")

    fake.script([answer(GOOD)])
    fake.state.requests.clear()
    with Server(env=env_for(fake, LLM_TEMPERATURE="0.3", LLM_SEED="7"), workers=1) as srv:
        async with connect(srv) as ws:
            await recv_json(ws)
            await Session(ws).ask("revenue by region", data=CSV)
        body = chat_requests(fake)[0]["json"]
        eq((body.get("temperature"), body.get("seed")), (0.3, 7), "LLM_TEMPERATURE and LLM_SEED are sent")

    await hanging(fake)
    fake.close()
    await ladders()
    await reasoning()


run(main)
