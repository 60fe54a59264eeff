"""Hot reload against the real server, on a temp copy of lua/, prompts/, themes/: a chart script
changed in place, via write-temp-and-rename and via delete-and-recreate while one WebSocket
stays open (subscribed, with rerender); a broken save keeps the old generation and names
file:line, the fix recovers; a request in flight during a reload completes; 100 rapid saves;
a new theme shows up in /v1/themes and hello; SIGHUP reloads; metrics and /readyz."""
import asyncio
import base64
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import (BAR_SPEC, SCRIPT_BUDGET_WALL_FACTOR, Server, check, connect, eq, http,  # noqa: E402
                            recv_json, run, script_home, svg_fill)

SET_COLOR = "    canvas:set_color(b.color)\n"


class Bar:
    """lua/charts/bar.lua of the temp home, with the bar fill colour swapped in by each edit."""

    def __init__(self, home):
        self.path = os.path.join(home, "lua", "charts", "bar.lua")
        with open(self.path, encoding="utf-8") as f:
            self.original = f.read()
        check(self.original.count(SET_COLOR) == 1, "bar.lua has the one set_color line this test edits")
        self.line = self.original[: self.original.index(SET_COLOR)].count("\n") + 1

    def text(self, colour):
        return self.original.replace(SET_COLOR, f'    canvas:set_color("{colour}")\n')

    def write_in_place(self, text):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(text)

    def write_rename(self, text):
        tmp = os.path.join(os.path.dirname(self.path), ".bar.lua.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, self.path)

    def write_recreate(self, text):
        os.remove(self.path)
        time.sleep(0.01)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(text)


def request(rid, **extra):
    msg = {"type": "chart.request", "id": rid, "spec": BAR_SPEC, "format": "svg", "width": 400, "height": 300}
    msg.update(extra)
    return json.dumps(msg)


async def final_of(ws, rid, timeout=30):
    """Skips progress for rid; returns its chart/error. Any other message is a failure."""
    while True:
        msg = await recv_json(ws, timeout)
        if msg.get("type") == "progress" and msg.get("id") == rid:
            continue
        eq(msg.get("id"), rid, f"message while waiting for {rid}: {str(msg)[:200]}")
        return msg


async def chart_svg(ws, rid, **extra):
    await ws.send(request(rid, **extra))
    msg = await final_of(ws, rid)
    eq(msg["type"], "chart", f"{rid} answered with a chart ({msg.get('message')})")
    return base64.b64decode(msg["data"]).decode()


async def reload_message(ws, timeout=10):
    msg = await recv_json(ws, timeout)
    eq(msg.get("type"), "reload", f"expected a reload message, got {str(msg)[:200]}")
    return msg


async def main():
    home = script_home("chartd-reload-")
    bar = Bar(home)
    try:
        with Server(env={"CHARTD_HOME": home, "CHARTD_TEST_HOOKS": "1", "APP_ENV": "development"}, workers=2) as s:
            async with connect(s) as ws:
                hello = await recv_json(ws)
                themes0 = sorted(f[:-4] for f in os.listdir(os.path.join(home, "themes")) if f.endswith(".lua"))
                eq(hello["themes"], themes0, "hello themes at start")
                check("ocean" not in themes0, "no ocean theme yet")
                themes1 = sorted(themes0 + ["ocean"])
                await ws.send(json.dumps({"type": "subscribe", "events": ["reload"], "rerender": True}))
                eq(await recv_json(ws), {"type": "subscribed", "events": ["reload"], "rerender": True, "generation": 1},
                   "subscribe acknowledged")
                svg = await chart_svg(ws, "r1")
                check(svg_fill("#ff0000") not in svg, "the shipped palette has no pure red")
                gen, last_id = 1, "r1"

                # Three ways editors save; each time the reload, the live re-render, a new request.
                for how, colour in (("in place", "#ff0000"), ("rename", "#00ff00"), ("delete+recreate", "#0000ff")):
                    {"in place": bar.write_in_place, "rename": bar.write_rename,
                     "delete+recreate": bar.write_recreate}[how](bar.text(colour))
                    gen += 1
                    eq(await reload_message(ws),
                       {"type": "reload", "generation": gen, "ok": True, "changed": ["lua/charts/bar.lua"]},
                       f"reload after save ({how})")
                    again = await final_of(ws, last_id)  # the connection's last request, re-rendered
                    eq(again["type"], "chart", f"re-render after {how}")
                    check(svg_fill(colour) in base64.b64decode(again["data"]).decode(),
                          f"re-rendered chart uses {colour} after {how}")
                    last_id = f"after-{gen}"
                    svg = await chart_svg(ws, last_id)
                    check(svg_fill(colour) in svg, f"next chart uses {colour} after {how}")

                # A broken save: ok:false with file:line, the old code keeps serving.
                broken = bar.original.replace(SET_COLOR, "    local broken = = 1\n")
                bar.write_in_place(broken)
                msg = await reload_message(ws)
                eq(msg, {"type": "reload", "generation": gen, "ok": False, "changed": ["lua/charts/bar.lua"],
                         "error": f"lua/charts/bar.lua:{bar.line}: unexpected symbol near '='"}, "broken save")
                svg = await chart_svg(ws, "while-broken")
                check(svg_fill("#0000ff") in svg, "the last good generation still serves")
                status, _, body = http(s.base + "/readyz")
                eq((status, json.loads(body)), (200, {"ready": True}), "/readyz after a failed reload")
                bar.write_in_place(bar.text("#00ffff"))
                gen += 1
                eq((await reload_message(ws))["ok"], True, "fixed save reloads")
                await final_of(ws, "while-broken")  # the re-render of the last request
                check(svg_fill("#00ffff") in await chart_svg(ws, "fixed"), "fixed code serves")

                # A request in flight during a reload finishes on the state it started with.
                await ws.send(request("slow", debug={"busy_ms": 1200}))
                while (await recv_json(ws)).get("stage") != "initialization":
                    pass
                bar.write_in_place(bar.text("#ffff00"))
                gen += 1
                pending, reloaded = {}, None
                while "slow" not in pending or reloaded is None:
                    msg = await recv_json(ws)
                    if msg["type"] == "reload":
                        reloaded = msg
                    elif msg["type"] != "progress":
                        pending[msg["id"]] = msg
                eq((reloaded["ok"], reloaded["generation"]), (True, gen), "reload while a request runs")
                eq(pending["slow"]["type"], "chart", "in-flight request completed")
                check(svg_fill("#00ffff") in base64.b64decode(pending["slow"]["data"]).decode(),
                      "in-flight request finished with the code it started on")
                # its re-render (the last request is "slow") comes with the new code
                again = await final_of(ws, "slow")
                check(svg_fill("#ffff00") in base64.b64decode(again["data"]).decode(), "re-render of slow")

                # 100 rapid saves in about a second: few reloads, the final content wins. (A quick
                # last request first: every burst reload re-renders it.)
                await chart_svg(ws, "pre-burst")
                before = s.metrics()['chartd_reloads_total{outcome="ok"}']
                t0 = time.monotonic()
                for i in range(100):
                    colour = "#ff00ff" if i == 99 else "#%02x0000" % (i + 1)
                    bar.write_in_place(bar.text(colour))
                    time.sleep(0.009)
                burst_s = time.monotonic() - t0
                reloads = []
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    try:
                        msg = await recv_json(ws, 0.6)
                    except asyncio.TimeoutError:
                        break
                    if msg["type"] == "reload":
                        reloads.append(msg)
                # (a slow machine or a sanitizer build may still be checking the last save: its
                # reload and the re-render it triggers come a little later)
                deadline, n = time.monotonic() + 20, 0
                while True:
                    n += 1
                    rid = f"burst-wait-{n}"
                    await ws.send(request(rid))
                    while True:  # its answer; reloads and re-renders of earlier requests pass by
                        msg = await recv_json(ws)
                        if msg["type"] == "reload":
                            reloads.append(msg)
                        elif msg.get("id") == rid and msg["type"] != "progress":
                            break
                    eq(msg["type"], "chart", f"{rid} answered")
                    if svg_fill("#ff00ff") in base64.b64decode(msg["data"]).decode():
                        break
                    check(time.monotonic() < deadline, "final content of the burst wins")
                    await asyncio.sleep(0.3)
                while True:  # the re-render of the last request, after the last reload
                    try:
                        msg = await recv_json(ws, 1.0)
                    except asyncio.TimeoutError:
                        break
                    if msg["type"] == "reload":
                        reloads.append(msg)
                check(svg_fill("#ff00ff") in await chart_svg(ws, "after-burst"), "final content of the burst wins")
                check(1 <= len(reloads) <= 4, f"{len(reloads)} reloads for 100 saves in {burst_s:.2f}s")
                check(all(r["ok"] for r in reloads), "every burst reload passed")
                gen = reloads[-1]["generation"]
                eq(s.metrics()['chartd_reloads_total{outcome="ok"}'] - before, len(reloads), "reload counter")
                print(f"100 saves in {burst_s:.2f}s → {len(reloads)} reloads")

                # A new theme: /v1/themes, hello of a new connection, and usable.
                with open(os.path.join(home, "themes", "dark.lua"), encoding="utf-8") as f:
                    dark = f.read()
                with open(os.path.join(home, "themes", "ocean.lua"), "w", encoding="utf-8") as f:
                    f.write(dark.replace('"dark"', '"ocean"', 1))
                gen += 1
                eq(await reload_message(ws), {"type": "reload", "generation": gen, "ok": True,
                                              "changed": ["themes/ocean.lua"]}, "reload for a new theme")
                await final_of(ws, "after-burst")
                status, _, body = http(s.base + "/v1/themes")
                eq((status, json.loads(body)), (200, {"themes": themes1}), "GET /v1/themes")
                async with connect(s) as ws2:
                    eq((await recv_json(ws2))["themes"], themes1, "hello of a new connection")
                    await chart_svg(ws2, "ocean", theme="ocean")

                # SIGHUP: a reload of everything, reported with no changed files.
                s.proc.send_signal(signal.SIGHUP)
                gen += 1
                eq(await reload_message(ws), {"type": "reload", "generation": gen, "ok": True, "changed": []},
                   "SIGHUP reload")
                await final_of(ws, "after-burst")

                m = s.metrics()
                eq(m["chartd_reload_generation"], gen, "generation metric")
                eq(m['chartd_reloads_total{outcome="failed"}'], 1, "failed reloads")
                eq(m['chartd_reloads_total{outcome="ok"}'], gen - 1, "ok reloads")
                # seconds, and (wall time) within the default 5 s CPU budget's backstop
                check(0 < m["chartd_reload_last_duration_seconds"] < 5 * SCRIPT_BUDGET_WALL_FACTOR,
                      "last reload duration")
                await ws.send(json.dumps({"type": "ping"}))
                eq(await recv_json(ws), {"type": "pong"}, "the first connection is still open")
            events = [e for e in s.log_events() if e["event"] == "reload"]
            eq(sum(1 for e in events if not e["ok"]), 1, "one failed reload logged")
            eq([e["error"] for e in events if not e["ok"]], [f"lua/charts/bar.lua:{bar.line}: unexpected symbol near '='"],
               "the log names file and line")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    run(main)
