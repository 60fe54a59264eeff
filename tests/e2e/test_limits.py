"""Limits and bad input against the real server: connection limit (1013, gauge back to 0),
inbound cap (1009, whole and fragmented), invalid UTF-8 (1007), POST body cap (413), and a
slow reader (1008) that leaves the server unharmed."""
import asyncio
import json
import os
import sys
import time

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Failure, RawWS, Server, check, connect, eq, http, recv_json, run  # noqa: E402


async def closed_with(ws, code, reason=None):
    try:
        msg = await asyncio.wait_for(ws.recv(), 10)
        raise AssertionError(f"expected close {code}, got message {msg[:80]!r}")
    except websockets.ConnectionClosed as e:
        eq(e.code, code, "close code")
        if reason is not None:
            eq(e.reason, reason, "close reason")


async def connection_limit(s):
    opened = []
    for _ in range(3):
        ws = await connect(s)
        eq((await recv_json(ws))["type"], "hello", "hello within the limit")
        opened.append(ws)
    extra = await connect(s)
    await closed_with(extra, 1013, "try again later")
    eq(s.metrics()["chartd_connections_open"], 3, "open gauge at the limit")
    eq(s.metrics()['chartd_connections_refused_total{reason="limit"}'], 1, "refused counter")
    for ws in opened:
        await ws.close()
    deadline = time.monotonic() + 3
    while s.metrics()["chartd_connections_open"] != 0:
        check(time.monotonic() < deadline, "open gauge back to 0")
        await asyncio.sleep(0.05)
    ws = await connect(s)  # room again
    eq((await recv_json(ws))["type"], "hello", "hello after the others closed")
    await ws.close()


def inbound_cap(s):
    cap = 8 * 1024
    # just under the cap: read and answered (an unknown field, so no render)
    raw = RawWS(s.port)
    eq(json.loads(raw.recv_frame()[2])["type"], "hello", "hello")
    body = '{"type":"chart.request","id":"big","pad":"' + "x" * (cap - 60) + '"}'
    check(len(body) <= cap, "under the cap")
    raw.send(1, body.encode())
    msg = json.loads(raw.recv_frame()[2])
    eq((msg["id"], msg["code"]), ("big", "invalid_request"), "a message under the cap is served")
    # one frame over the cap
    raw.send(1, b"x" * (cap + 1))
    eq(raw.close_code()[:2], (1009, "message too large"), "whole message over the cap")
    raw.close()
    # fragments that add up to more than the cap
    raw = RawWS(s.port)
    raw.recv_frame()
    raw.send(1, b'{"pad":"' + b"x" * 5000, fin=False)
    raw.send(0, b"x" * 5000, fin=False)
    eq(raw.close_code()[:2], (1009, "message too large"), "fragmented message over the cap")
    raw.close()
    # invalid UTF-8 in a text frame
    raw = RawWS(s.port)
    raw.recv_frame()
    raw.send(1, b'{"type":"ping","x":"\xff\xfe"}')
    eq(raw.close_code()[0], 1007, "invalid UTF-8")
    raw.close()
    # POST over the cap: 413 with the error JSON
    status, headers, body = http(s.base + "/v1/charts", body=b'{"pad":"' + b"x" * (cap + 10) + b'"}',
                                 headers={"Content-Type": "application/json"})
    eq(status, 413, "POST over MAX_REQUEST_KB")
    eq(json.loads(body)["code"], "too_large", "413 body code")


def slow_reader(s):
    """Floods pings and never reads: the pongs pile up past 2 x MAX_CHART_SIZE_MB (2 MiB).
    The server drops the connection with 1008; a client that does not read usually cannot
    see that close frame (its socket is full, and unread data turns the close into a reset),
    so the test reads what arrived: pongs, then a 1008 close frame or the reset."""
    raw = RawWS(s.port, rcvbuf=4096)
    raw.recv_frame()
    blob = RawWS.frame(1, b'{"type":"ping"}') * 20000
    t0 = time.monotonic()
    try:
        for _ in range(40):  # up to 800k pings, ~12 MB of pongs
            raw.sock.sendall(blob)
    except OSError:
        pass  # the server dropped us: expected
    time.sleep(0.5)
    try:
        code, _, seen = raw.close_code()
        eq(code, 1008, "slow reader close code")
    except (Failure, ConnectionResetError):
        pass  # reset: the close frame could not be delivered
    raw.close()
    check(time.monotonic() - t0 < 30, "slow reader dropped in time")
    eq(s.metrics()["chartd_slow_reader_closes_total"], 1, "slow reader counted")
    events = [e for e in s.log_events() if e["event"] == "slow_reader"]
    eq(len(events), 1, "slow reader logged once")
    eq(events[0]["cap_bytes"], 2 * 1024 * 1024, "cap = 2 x MAX_CHART_SIZE_MB")
    check(events[0]["queued_bytes"] > events[0]["cap_bytes"], "closed only past the cap")


async def still_serves(s):
    async with connect(s) as ws:
        await recv_json(ws)
        t0 = time.monotonic()
        await ws.send('{"type":"ping"}')
        eq(await recv_json(ws), {"type": "pong"}, "pong after the limits")
        check(time.monotonic() - t0 < 0.5, "pong quickly")


async def main():
    env = {"MAX_CONCURRENT_CONNECTIONS": "3", "MAX_REQUEST_KB": "8", "MAX_CHART_SIZE_MB": "1"}
    with Server(env=env, workers=1) as s:
        await connection_limit(s)
        inbound_cap(s)
        slow_reader(s)
        await still_serves(s)
        eq(http(s.base + "/healthz")[0], 200, "healthz after the limits")


run(main)
