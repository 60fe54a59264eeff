"""SIGTERM: readiness drops, new connections and POSTs are refused with 503 at the door, the request in
flight finishes and is delivered, clients are closed with 1001, the process exits 0; a worker held
in a C call does not keep the process alive."""
import asyncio
import json
import os
import signal
import sys
import time

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, ROOT, Server, check, connect, eq, http, recv_json, run  # noqa: E402


async def close_code(ws, timeout):
    """Reads what is still coming (progress, a cancel) until the server closes; its close code."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed as e:
        return e.code


def grace_logged(env):
    """The grace the server announces when SIGTERM comes, under env."""
    s = Server(env=env, workers=1)
    eq(s.stop(timeout=20), 0, "exit code")
    return [e for e in s.log_events() if e["event"] == "draining"][0]["grace_s"]


def railway_matches():
    """railway.json: Railway switches traffic on /readyz, and its SIGTERM-to-SIGKILL time covers
    chartd's drain (CHART_GENERATION_TIMEOUT + 1 by default) and the 3 s WebSocket close wait."""
    with open(os.path.join(ROOT, "railway.json")) as f:
        deploy = json.load(f)["deploy"]
    eq(deploy["healthcheckPath"], "/readyz", "Railway checks readiness")
    default = grace_logged({})
    eq(default, 31, "default grace: the request timeout + 1 s")
    check(deploy["drainingSeconds"] >= default + 3, f"drainingSeconds {deploy['drainingSeconds']} covers {default} + 3")
    eq(grace_logged({"RAILWAY_DEPLOYMENT_DRAINING_SECONDS": str(deploy["drainingSeconds"])}), default,
       "railway.json's draining time needs no shorter drain")
    eq(grace_logged({"RAILWAY_DEPLOYMENT_DRAINING_SECONDS": "10"}), 6, "a shorter draining time: the drain fits in it")
    eq(grace_logged({"CHARTD_DRAIN_SECONDS": "7"}), 7, "CHARTD_DRAIN_SECONDS")


async def short_grace():
    """CHARTD_DRAIN_SECONDS=1: a request still running then is cut off, the server exits soon."""
    s = Server(env={"CHARTD_TEST_HOOKS": "1", "CHARTD_DRAIN_SECONDS": "1"}, workers=1)
    async with connect(s) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "chart.request", "id": "slow", "spec": BAR_SPEC, "debug": {"busy_ms": 8000}}))
        eq((await recv_json(ws))["stage"], "initialization", "started")
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        eq(await close_code(ws, 15), 1001, "closed after the grace")
        check(time.monotonic() - t0 < 4, f"closed {time.monotonic() - t0:.1f} s after SIGTERM (grace 1 s)")
    eq(s.stop(timeout=10), 0, "exit code")


async def stuck_in_c():
    """A request held in one C call that no budget's stop reaches (tests/e2e/hostile.lua
    `stuck_c_call`, 2 minutes) cannot keep the process alive: after the drain (1 s) its client is
    closed with 1001 and the request cancelled; the cancel cannot reach it, so it is stuck (as
    /readyz would say) and 10 s on (server.c STOP_WAIT_S) the process ends without it: exit
    status 1, logged `stop_forced`."""
    s = Server(env={"CHARTD_TEST_HOOKS": "1", "CHARTD_DRAIN_SECONDS": "1"}, workers=1)
    async with connect(s) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "chart.request", "id": "stuck", "spec": BAR_SPEC,
                                  "debug": {"run": "stuck_c_call", "ready_ms": 300, "hold_ms": 120000}}))
        eq((await recv_json(ws))["stage"], "initialization", "started")
        await asyncio.sleep(1.5)  # inside its C call
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        eq(await close_code(ws, 30), 1001, "the stuck request's client closed after the grace")
    eq(s.stop(timeout=60), 1, "exit status: a worker could not be stopped")
    took = time.monotonic() - t0
    check(10 <= took < 30, f"ended {took:.1f} s after SIGTERM (1 s drain + up to 3 s close wait + 10 s)")
    forced = [e for e in s.log_events() if e["event"] == "stop_forced"]
    eq([(e["waited_s"], e["requests_running"], e["stuck_runs"]) for e in forced], [(10, 1, 1)],
       "stop_forced logged once, naming the stuck request")


async def main():
    s = Server(env={"CHARTD_TEST_HOOKS": "1"}, workers=1)
    async with connect(s) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "chart.request", "id": "d1", "spec": BAR_SPEC, "debug": {"busy_ms": 1500}}))
        eq((await recv_json(ws))["stage"], "initialization", "d1 started")
        s.proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)

        status, _, body = http(s.base + "/readyz")
        eq((status, json.loads(body)["ready"]), (503, False), "readyz while draining")
        # A new connection is refused at its handshake with 503 (a proxy in front retries it
        # on another replica: deploy/nginx.conf); a POST gets 503 busy.
        try:
            late = await connect(s)
            await late.close()
            raise AssertionError("a WebSocket opened while draining")
        except websockets.InvalidStatusCode as e:
            eq(e.status_code, 503, "new connection while draining")
        status, headers, body = http(s.base + "/v1/charts", method="POST", body={"spec": BAR_SPEC})
        eq((status, json.loads(body)["code"]), (503, "busy"), "POST while draining")
        await ws.send(json.dumps({"type": "chart.request", "id": "d2", "spec": BAR_SPEC}))
        msg = await recv_json(ws)
        eq((msg["id"], msg["code"], msg["retryable"]), ("d2", "busy", True), "request while draining")

        final = None
        while final is None:
            msg = await recv_json(ws, 10)
            eq(msg["id"], "d1", "only d1 is still answered")
            if msg["type"] != "progress":
                final = msg
        check(final["type"] == "chart" or final["code"] not in ("cancelled", "timeout", "busy"),
              f"d1 finished normally: {final}")
        try:
            msg = await asyncio.wait_for(ws.recv(), 10)
            raise AssertionError(f"expected the 1001 close, got {msg[:80]!r}")
        except websockets.ConnectionClosed as e:
            eq((e.code, e.reason), (1001, "server shutting down"), "close after drain")
    t0 = time.monotonic()
    eq(s.stop(timeout=10), 0, "exit code")
    check(time.monotonic() - t0 < 5, "exited promptly after the last client")
    events = [e["event"] for e in s.log_events()]
    check("draining" in events and events[-1] == "stopped", f"drain logged: {events[-4:]}")


async def all_of_it():
    await main()
    await short_grace()
    await stuck_in_c()
    railway_matches()


run(all_of_it)
