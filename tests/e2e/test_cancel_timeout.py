"""chart.cancel, CHART_GENERATION_TIMEOUT and client disconnects stop requests that are
busy inside Lua (a test hook spins inside a pcall, ignoring ctx.cancelled), and the worker
is free right after. One worker, so "free" is observable. A disconnect with a request in
flight is counted and logged with who closed (chartd_connections_closed_with_work_total); a
disconnect after the final reply cancels nothing."""
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, Server, check, connect, eq, recv_json, run  # noqa: E402


def busy(rid, ms=60000):
    return json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC, "debug": {"busy_ms": ms}})


def quick(rid):
    """A request a free worker answers at once: a spec naming no known chart type."""
    return json.dumps({"type": "chart.request", "id": rid, "spec": dict(BAR_SPEC, type="bars")})


async def final(ws, rid, timeout):
    while True:
        msg = await recv_json(ws, timeout)
        eq(msg.get("id"), rid, f"message id while waiting for {rid}")
        if msg["type"] != "progress":
            return msg


async def worker_is_free(ws, rid):
    t0 = time.monotonic()
    await ws.send(quick(rid))
    msg = await final(ws, rid, 3)
    eq(msg["code"], "unknown_chart_type", f"{rid} answered by the freed worker")
    check(time.monotonic() - t0 < 1.0, f"{rid} took {time.monotonic() - t0:.2f}s")


async def main():
    env = {"CHARTD_TEST_HOOKS": "1", "CHART_GENERATION_TIMEOUT": "5"}
    with Server(env=env, workers=1) as s:
        async with connect(s) as ws:
            await recv_json(ws)  # hello

            # cancel a running request
            await ws.send(busy("c1"))
            msg = await recv_json(ws)
            eq((msg["type"], msg["stage"]), ("progress", "initialization"), "c1 started")
            await asyncio.sleep(0.3)
            t0 = time.monotonic()
            await ws.send('{"type":"chart.cancel","id":"c1"}')
            msg = await final(ws, "c1", 3)
            eq((msg["type"], msg["code"], msg["retryable"]), ("error", "cancelled", False), "c1 answer")
            check(time.monotonic() - t0 < 0.5, f"cancel took {time.monotonic() - t0:.2f}s")
            await worker_is_free(ws, "f1")

            # cancel a queued request: answered at once, the running one goes on
            await ws.send(busy("r2", 1500))
            await ws.send(busy("q2"))
            eq((await recv_json(ws))["id"], "r2", "r2 started")
            await ws.send('{"type":"chart.cancel","id":"q2"}')
            msg = await recv_json(ws, 1)
            eq((msg["id"], msg["type"], msg["code"]), ("q2", "error", "cancelled"), "queued q2 cancelled at once")
            msg = await final(ws, "r2", 10)
            check(msg["type"] == "chart" or msg.get("code") not in ("cancelled", "timeout"), f"r2 ran on: {msg}")

            # timeout: the whole request, the worker is free afterwards
            t0 = time.monotonic()
            await ws.send(busy("t1"))
            msg = await final(ws, "t1", 15)
            took = time.monotonic() - t0
            eq((msg["type"], msg["code"], msg["retryable"]), ("error", "timeout", True), "t1 answer")
            check(4.9 < took < 6.5, f"timeout after {took:.2f}s, want ~5s")
            await worker_is_free(ws, "f2")

        # a client that goes away mid-request: its request stops, nothing stays running
        async with connect(s) as ws:
            await recv_json(ws)
            await ws.send(busy("d1"))
            eq((await recv_json(ws))["stage"], "initialization", "d1 started")
        deadline = time.monotonic() + 3
        while True:
            m = s.metrics()
            if m["chartd_requests_running"] == 0 and m["chartd_connections_open"] == 0:
                break
            check(time.monotonic() < deadline, f"request still running after disconnect: {m}")
            await asyncio.sleep(0.05)
        eq(m['chartd_requests_total{outcome="cancelled",chart_type="none"}'], 3, "c1, q2, d1 counted as cancelled")
        eq(m['chartd_requests_total{outcome="timeout",chart_type="none"}'], 1, "t1 counted as timeout")
        # d1's answer is lost, and the server says who closed: the client's close frame (the
        # first connection closed with nothing pending and is not counted)
        closed = 'chartd_connections_closed_with_work_total{by="%s"}'
        eq([m[closed % by] for by in ("client", "server", "transport")], [1, 0, 0], "closed with work: d1")

        # the same without a close handshake (the socket just goes): by "transport"
        ws = await connect(s)
        await recv_json(ws)
        await ws.send(busy("d2"))
        eq((await recv_json(ws))["stage"], "initialization", "d2 started")
        ws.transport.abort()
        deadline = time.monotonic() + 3
        while s.metrics()[closed % "transport"] != 1:
            check(time.monotonic() < deadline, f"an aborted connection with d2 running: {s.metrics()}")
            await asyncio.sleep(0.05)
        logged = [(e["by"], e["requests"]) for e in s.log_events() if e["event"] == "closed_with_work"]
        eq(logged, [("client", 1), ("transport", 1)], "closed_with_work log lines")

        # a client that closes as soon as its chart arrives has not cancelled it: the request
        # still works for a while after its final reply (busy_after_ms) and is neither stopped
        # nor counted as cancelled; it is counted by what it answered, with its chart type
        ok_bar = 'chartd_requests_total{outcome="ok",chart_type="bar"}'
        cancelled = 'chartd_requests_total{outcome="cancelled",chart_type="none"}'
        oks, cancels = s.metrics()[ok_bar], s.metrics()[cancelled]
        async with connect(s) as ws:
            await recv_json(ws)
            await ws.send(json.dumps({"type": "chart.request", "id": "a1", "spec": BAR_SPEC,
                                      "debug": {"busy_after_ms": 1000}}))
            eq((await final(ws, "a1", 10))["type"], "chart", "a1 answered")
        t0 = time.monotonic()
        while s.metrics()["chartd_requests_running"] != 0:
            check(time.monotonic() - t0 < 5, "a1 still running")
            await asyncio.sleep(0.05)
        check(time.monotonic() - t0 > 0.5, f"a1 ended {time.monotonic() - t0:.2f}s after its client closed: stopped")
        m = s.metrics()
        eq(m[ok_bar], oks + 1, "a1 counted ok as a bar chart")
        eq(m[cancelled], cancels, "a1 not counted as cancelled")
        eq([m[closed % by] for by in ("client", "server", "transport")], [1, 0, 1],
           "a1's connection closed with nothing in flight")
        done = [(e["outcome"], e["chart_type"]) for e in s.log_events()
                if e["event"] == "request_done" and e.get("id") == "a1"]
        eq(done, [("ok", "bar")], "a1's request_done")
        async with connect(s) as ws:
            await recv_json(ws)
            await worker_is_free(ws, "f3")


run(main)
