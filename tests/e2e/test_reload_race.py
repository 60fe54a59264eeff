"""The reload race that once wedged every worker, against the real server: save a good chart
module, then a few milliseconds later the same file with `while true do end` on top, many times,
with the delay varied so the second save lands before, during and after the first reload's
self-test. Every round the server must still answer a chart, /readyz must stay 200, no worker
may fail a build (they build from the bytes that passed the self-test, never from disk), a
later good save must go live, and SIGTERM must stop the process.

Then the self-test itself is sandboxed: module top-level code that runs os.execute, opens a
file for writing or replaces the shared string metatable is refused with file:line, one that
replaces a standard library function or a global (at its top level or while its sample is
drawn) is refused naming it, nothing is written, and the server keeps serving the last good
generation."""
import asyncio
import base64
import json
import os
import random
import shutil
import time

from chartd_harness import (BAR_SPEC, SCRIPT_BUDGET_WALL_FACTOR, SET_COLOR, Server, bar_module, check, connect, eq,
                            http, recv_json, run, script_home, svg_fill)

SANITIZED = bool(os.environ.get("CHARTD_SANITIZED"))
ROUNDS = 8 if SANITIZED else 16
# Room for a full self-test (every chart's sample: ~0.4 s here, 3x that under ASan), small
# enough that each refused save costs the test little.
BUDGET_MS = 5000 if SANITIZED else 1000


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


async def chart(ws, rid, timeout=20):
    await ws.send(json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC, "format": "svg",
                              "width": 320, "height": 240}))
    while True:
        msg = await recv_json(ws, timeout)
        if msg.get("type") in ("reload", "progress"):
            continue
        eq(msg.get("id"), rid, "reply id")
        return msg


async def main():
    home = script_home("chartd-race-")
    bar_path, original = bar_module(home)
    rng = random.Random(15)
    env = {"CHARTD_HOME": home, "APP_ENV": "development", "CHARTD_SCRIPT_BUDGET_MS": str(BUDGET_MS)}
    try:
        with Server(env=env, workers=2) as s:
            async with connect(s) as ws:
                eq((await recv_json(ws))["type"], "hello", "hello")
                answered = 0
                for i in range(ROUNDS):
                    refused = s.metrics()['chartd_reloads_total{outcome="failed"}']
                    good = original.replace(SET_COLOR, f'    canvas:set_color("#{i + 1:02x}{i + 1:02x}00")\n')
                    write(bar_path, good)
                    # Before the debounce ends, during the good save's self-test, or after it
                    # (when the workers rebuild): the bad save must never reach a worker.
                    time.sleep(rng.choice((0.005, 0.03, 0.06, 0.1, 0.15, 0.25, 0.4)))
                    write(bar_path, "while true do end\n" + good)
                    msg = await chart(ws, f"r{i}")
                    eq(msg["type"], "chart", f"round {i}: answered with a chart ({msg.get('code')}: {msg.get('message')})")
                    answered += 1
                    # the bad save burns its budget in CPU time: on a loaded machine that is
                    # many times it in wall time, never more than the backstop
                    deadline = time.monotonic() + BUDGET_MS / 1000 * SCRIPT_BUDGET_WALL_FACTOR + 5
                    while s.metrics()['chartd_reloads_total{outcome="failed"}'] == refused:
                        check(time.monotonic() < deadline, f"round {i}: the bad save was refused")
                        msg = await chart(ws, f"r{i}-wait")
                        eq(msg["type"], "chart", f"round {i}: answered while the bad save is checked")
                    status, _, body = http(s.base + "/readyz", timeout=5)
                    eq(status, 200, f"round {i}: /readyz ({body[:100]!r})")

                # The last bad save is refused; a good one goes live and is drawn.
                final = original.replace(SET_COLOR, '    canvas:set_color("#ff00ff")\n')
                write(bar_path, final)
                deadline, saves = time.monotonic() + 30, 1
                while True:
                    msg = await chart(ws, "final")
                    eq(msg["type"], "chart", "final request")
                    if svg_fill("#ff00ff") in base64.b64decode(msg["data"]).decode():
                        break
                    check(time.monotonic() < deadline, "the good save after the race went live")
                    last = [e for e in s.log_events() if e.get("event") == "reload"][-1:]
                    if last and last[0].get("ok") is False and "time budget" in last[0].get("error", "") \
                            and "while true" not in open(bar_path).read() and saves < 3:
                        # a machine loaded past the budget refused the good save: save it again, as a
                        # person would (the refusal is the budget working, not the race)
                        saves += 1
                        write(bar_path, final + f"-- save {saves}\n")
                    await asyncio.sleep(0.5)

                metrics = s.metrics()
                eq(metrics.get("chartd_worker_build_failures_total"), 0.0, "no worker build failed")
                check(metrics['chartd_reloads_total{outcome="ok"}'] >= ROUNDS // 3,
                      "many good saves went live with the bad one on disk (the race was run)")
                failed = [e for e in s.log_events() if e.get("event") == "reload" and e.get("ok") is False]
                check(any("time budget" in e.get("error", "") for e in failed),
                      "a refused reload names the time budget")
                ok_n = int(metrics['chartd_reloads_total{outcome="ok"}'])
                failed_n = int(metrics['chartd_reloads_total{outcome="failed"}'])
                print(f"{ROUNDS} rounds, {answered} charts, {ok_n} good and {failed_n} refused reloads")

                # The self-test runs module top-level code in the sandbox, and nothing a module
                # does may change what every module shares (their metatables, the globals, the
                # standard library), at its top level or while a sample renders.
                marker = os.path.join(home, "written-by-a-module")
                hostile = {
                    "os.execute": f'os.execute("touch {marker}")\n',
                    "io.open for writing": f'assert(io.open("{marker}", "w")):write("x")\n',
                    "string metatable": 'getmetatable("").__index = { len = function() return 0 end }\n',
                    # wrappers that behave the same: only the replacing is refused
                    "string library": "local up = string.upper; string.upper = function(x) return up(x) end\n",
                    "a global": "local ts = tostring; tostring = function(...) return ts(...) end\n",
                }
                replaced = {"string library": "string.upper", "a global": "tostring", "while drawing": "math.pi"}
                good = original.replace(SET_COLOR, '    canvas:set_color("#ff00ff")\n')
                drawing = original.replace(SET_COLOR, '    math.pi = 3\n    canvas:set_color("#ff00ff")\n')
                for name, text in [(n, line + good) for n, line in hostile.items()] + [("while drawing", drawing)]:
                    before = s.metrics()['chartd_reloads_total{outcome="failed"}']
                    write(bar_path, text)
                    deadline = time.monotonic() + 10
                    while s.metrics()['chartd_reloads_total{outcome="failed"}'] == before:
                        check(time.monotonic() < deadline, f"{name}: the reload was refused")
                        await asyncio.sleep(0.05)
                    last = [e for e in s.log_events() if e.get("event") == "reload"][-1]
                    if name in replaced:
                        check(last["error"].startswith(f"a script replaced {replaced[name]}, which every script shares"),
                              f"{name}: error names what was replaced: {last}")
                    else:
                        check(last["error"].startswith("lua/charts/bar.lua:1:"), f"{name}: error names file:line: {last}")
                    check(not os.path.exists(marker), f"{name}: nothing was written")
                    msg = await chart(ws, "after-" + name.replace(" ", "-"))
                    eq(msg["type"], "chart", f"{name}: still serving")
                    check(svg_fill("#ff00ff") in base64.b64decode(msg["data"]).decode(),
                          f"{name}: the last good generation serves")
            t0 = time.monotonic()
        eq(s.proc.returncode, 0, "exit code after SIGTERM")
        check(time.monotonic() - t0 < 10, "SIGTERM stopped the server promptly")
    finally:
        shutil.rmtree(home, ignore_errors=True)


run(main)
