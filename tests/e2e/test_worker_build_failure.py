"""A worker build that fails after the self-test passed keeps the previous generation serving,
against the real server with hot reload on a temp copy of the scripts.

A generation's scripts run once in the self-test and once more in every worker's build, and a
module's top level may depend on what the process has seen since the self-test — here through
chartd.memo, the process-wide table the LLM planner keeps its lessons in (nothing test-only in
the server). The saved lua/charts/bar.lua counts its builds there and refuses every build after
the first: the self-test passes, so the generation is published, and each worker's build then
fails — once with an error, once by overrunning the build budget (`while true do end`). Each
time: the reload is reported ok, every worker logs `worker_reload_failed` (generation, serving
generation, error) and counts it in chartd_worker_build_failures_total, charts keep coming from
the previous generation, /readyz stays 200, later requests do not retry the failed build, and
the next good save goes live."""
import base64
import json
import os
import shutil
import time

from chartd_harness import (BAR_SPEC, SCRIPT_BUDGET_WALL_FACTOR, SET_COLOR, Server, bar_module, check, connect, eq,
                            http, recv_json, run, script_home, svg_fill)

SANITIZED = bool(os.environ.get("CHARTD_SANITIZED"))
BUDGET_MS = 5000 if SANITIZED else 1500  # room for a full self-test; an overrun costs this much
WORKERS = 2
FAILURES = 'chartd_worker_build_failures_total'

# Top of lua/charts/bar.lua: the first build of this text (the self-test's) passes, later ones
# (the workers') fail the way FAIL says.
ONCE = """local memo = require "chartd.memo"
local builds = tonumber(memo.get("{key}") or "0") + 1
memo.set("{key}", tostring(builds))
if builds > 1 then {fail} end
"""


async def chart(ws, rid):
    await ws.send(json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC, "format": "svg",
                              "width": 320, "height": 240}))
    while True:
        msg = await recv_json(ws, 30)
        if msg.get("type") == "progress":
            continue
        eq((msg.get("id"), msg.get("type")), (rid, "chart"), f"{rid}: {str(msg)[:200]}")
        return base64.b64decode(msg["data"]).decode()


async def reloaded(ws, generation):
    msg = await recv_json(ws, 30)
    eq((msg.get("type"), msg.get("ok"), msg.get("generation")), ("reload", True, generation),
       f"the reload is reported ok: {str(msg)[:300]}")


def wait_failures(server, want):
    # an overrun burns the budget in CPU time: on a loaded machine many times it in wall time,
    # never more than the backstop
    deadline = time.monotonic() + BUDGET_MS / 1000 * SCRIPT_BUDGET_WALL_FACTOR + 10
    while True:
        got = server.metrics().get(FAILURES, 0)
        if got >= want or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


async def main():
    home = script_home("chartd-buildfail-")
    path, original = bar_module(home)

    def save(colour, top=""):
        with open(path, "w", encoding="utf-8") as f:
            f.write(top + original.replace(SET_COLOR, f'    canvas:set_color("{colour}")\n'))

    env = {"CHARTD_HOME": home, "APP_ENV": "development", "CHARTD_SCRIPT_BUDGET_MS": str(BUDGET_MS)}
    try:
        with Server(env=env, workers=WORKERS) as s:
            async with connect(s) as ws:
                eq((await recv_json(ws))["type"], "hello", "hello")
                await ws.send(json.dumps({"type": "subscribe", "events": ["reload"]}))
                eq((await recv_json(ws))["type"], "subscribed", "subscribed")
                save("#00aa00")
                await reloaded(ws, 2)
                check(svg_fill("#00aa00") in await chart(ws, "good"), "generation 2 serves")
                eq(s.metrics().get(FAILURES, 0), 0, "no build failure yet")

                cases = [("error", 'error("refused: this generation builds once")', "refused: this generation builds once"),
                         ("overrun", "while true do end", f"ran past its time budget ({BUDGET_MS} ms)")]
                failures, generation = 0, 2
                for name, fail, reason in cases:
                    save("#ff0000", ONCE.format(key=f"test_worker_build_failure:{name}", fail=fail))
                    generation += 1
                    await reloaded(ws, generation)  # the self-test (the first build) passed
                    failures += WORKERS
                    eq(wait_failures(s, failures), failures, f"{name}: every worker's build failed and was counted")
                    for i in range(4):  # every worker still on generation 2; no build is retried
                        check(svg_fill("#00aa00") in await chart(ws, f"{name}-{i}"),
                              f"{name}: the previous generation serves")
                    status, _, body = http(s.base + "/readyz")
                    eq((status, json.loads(body)), (200, {"ready": True}), f"{name}: /readyz")
                    eq(s.metrics()[FAILURES], failures, f"{name}: a failed build is not tried again")
                    logged = [e for e in s.log_events() if e.get("event") == "worker_reload_failed"
                              and e.get("generation") == generation]
                    eq(sorted(e["worker"] for e in logged), list(range(WORKERS)), f"{name}: logged by each worker")
                    for e in logged:
                        eq(e["serving_generation"], 2, f"{name}: the worker stays on generation 2")
                        check(reason in e["error"], f"{name}: the log says why: {e['error']}")

                save("#0000ff")  # the next good save goes live everywhere
                generation += 1
                await reloaded(ws, generation)
                for i in range(4):
                    check(svg_fill("#0000ff") in await chart(ws, f"fixed-{i}"), "the next good generation serves")
                eq(s.metrics()[FAILURES], failures, "no failure for a good generation")
    finally:
        shutil.rmtree(home, ignore_errors=True)


run(main)
