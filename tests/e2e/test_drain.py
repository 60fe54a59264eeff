"""SIGTERM: readiness drops, new connections and POSTs are refused with 503 at the door, the request in
flight finishes and is delivered, clients are closed with 1001, the process exits 0."""
import asyncio
import json
import os
import signal
import sys
import time

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, Server, check, connect, eq, http, recv_json, run  # noqa: E402


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


run(main)
