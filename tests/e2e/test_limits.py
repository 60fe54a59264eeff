"""Limits and bad input against the real server: connection limit (1013, gauge back to 0),
inbound cap (1009, whole and fragmented), invalid UTF-8 (1007), POST body cap (413); and
clients that do not read (1008, `slow_reader`): one past the queue cap, one stalled below it
(CHARTD_SEND_TIMEOUT), a ping flood (whichever trips first), while a client that reads slowly
keeps its connection. The server is unharmed afterwards."""
import asyncio
import json
import math
import os
import socket
import sys
import time

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Failure, RawWS, Server, check, connect, eq, http, recv_json, run  # noqa: E402

SEND_TIMEOUT = 2  # CHARTD_SEND_TIMEOUT of the slow-reader server
LWS_CLOSE_S = 5  # lws's own bound on sending a close frame / waiting for its answer


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


async def still_serves(s):
    async with connect(s) as ws:
        await recv_json(ws)
        t0 = time.monotonic()
        await ws.send('{"type":"ping"}')
        eq(await recv_json(ws), {"type": "pong"}, "pong after the limits")
        check(time.monotonic() - t0 < 0.5, "pong quickly")


# ---- clients that do not read (servers of their own with MAX_CHART_SIZE_MB=1, so the queue
# cap is 2 MiB: one with the default CHARTD_SEND_TIMEOUT, so that only the cap can trip however
# slowly the charts render, one with CHARTD_SEND_TIMEOUT=2) ----

CAP = 2 * 1024 * 1024


def bars_request(rid, n):
    """A chart.request whose reply is large for little work: an SVG bar chart of n labelled bars
    (cairo writes text as glyph paths)."""
    rows = [{"name": f"category label number {i:04d}", "value": (i * 37) % 101 + 1} for i in range(n)]
    spec = {"type": "bar", "title": "many bars", "data": {"values": rows}, "width": 4000, "height": 1000,
            "encoding": {"x": {"field": "name", "type": "nominal"}, "y": {"field": "value", "type": "quantitative"}}}
    return {"type": "chart.request", "id": rid, "format": "svg", "spec": spec}


def reply_size(s, n):
    """Bytes of the WebSocket chart message for bars_request(n): POST /v1/charts with Accept
    JSON answers with the same message."""
    status, _, body = http(s.base + "/v1/charts", body=bars_request("size", n), headers={"Accept": "application/json"})
    eq(status, 200, f"POST of {n} bars")
    eq(json.loads(body)["type"], "chart", "POST answer type")
    return len(body)


def wmem_max():
    """The kernel's largest TCP send buffer: what a socket can hold for a peer that does not read."""
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem") as f:
            return int(f.read().split()[2])
    except (OSError, ValueError, IndexError):
        return 4 * 1024 * 1024


def wait_events(s, want, timeout):
    """The slow_reader log events once there are `want` of them."""
    deadline = time.monotonic() + timeout
    while True:
        events = [e for e in s.log_events() if e["event"] == "slow_reader"]
        if len(events) >= want or time.monotonic() > deadline:
            return events
        time.sleep(0.05)


def wait_open(s, want, timeout, what):
    deadline = time.monotonic() + timeout
    while s.metrics()["chartd_connections_open"] != want:
        check(time.monotonic() < deadline, f"{what}: open gauge back to {want} within {timeout} s")
        time.sleep(0.05)


def ends(raw):
    """Reads what the server left for a client that stopped reading: data frames, then a 1008
    close frame or the end of the stream (the close frame cannot pass a full socket, and lws
    gives up on it). Returns the close code or None."""
    raw.sock.settimeout(10)
    try:
        return raw.close_code()[0]
    except (Failure, ConnectionResetError):
        return None


def past_the_cap(s, big):
    """Requests whose replies exceed what the socket can hold plus the 2 MiB cap; never reads.
    The queue passes the cap whatever the timing: closed 1008, reason cap."""
    n = math.ceil((wmem_max() + CAP) / big) + 2
    raw = RawWS(s.port, rcvbuf=4096)
    raw.recv_frame()
    try:
        for i in range(n):
            raw.send(1, json.dumps(bars_request(f"cap{i}", BARS)).encode())
    except (ConnectionResetError, BrokenPipeError):
        pass  # dropped before all were sent: the replies of the first ones passed the cap already
    events = wait_events(s, 1, 60)
    eq(len(events), 1, f"slow reader past the cap logged once ({n} replies of {big} bytes)")
    e = events[0]
    eq(e["reason"], "cap", "reason")
    eq(e["cap_bytes"], CAP, "cap = 2 x MAX_CHART_SIZE_MB")
    check(e["queued_bytes"] > e["cap_bytes"], "closed only past the cap")
    dropped_once(s, raw, "slow reader past the cap")


def dropped_once(s, raw, what):
    """The first slow-reader drop of this server: counted once, the connection gone, the
    client sees close 1008 (or the stream ends before it could read it)."""
    eq(s.metrics()["chartd_slow_reader_closes_total"], 1, f"{what} counted")
    wait_open(s, 0, LWS_CLOSE_S + 3, what)
    code = ends(raw)
    check(code in (1008, None), f"{what}: 1008 or the end of the stream, got {code}")
    raw.close()


def stalled(s):
    """One big reply to a client that never reads: it all fits in the socket, far below the
    cap, and then nothing moves: closed 1008 after CHARTD_SEND_TIMEOUT, reason stalled."""
    raw = RawWS(s.port, rcvbuf=4096)
    raw.recv_frame()
    t0 = time.monotonic()
    raw.send(1, json.dumps(bars_request("stall", BARS)).encode())
    events = wait_events(s, 1, 30)
    took = time.monotonic() - t0
    eq(len(events), 1, "stalled reader logged")
    e = events[0]
    eq((e["reason"], e["timeout_s"]), ("stalled", SEND_TIMEOUT), "reason and timeout")
    check(e["stalled_ms"] >= SEND_TIMEOUT * 1000, f"no progress for the timeout ({e['stalled_ms']} ms)")
    check(e["queued_bytes"] + e["unsent_bytes"] > 0, "replies were waiting")
    check(e["queued_bytes"] < CAP, "below the cap")
    check(SEND_TIMEOUT <= took < SEND_TIMEOUT + 10, f"dropped {took:.1f} s after the request")
    dropped_once(s, raw, "stalled reader")


ECHO_MAX_ROWS = 10000  # lua/pipeline.lua: past this many rows the spec's data is not echoed


def points_request(total_bytes):
    """A POST /v1/charts body whose JSON answer is over total_bytes: an SVG scatter plot of up to
    ECHO_MAX_ROWS rows (so the spec is echoed with its data) whose rows carry a note the chart does
    not draw but the echoed spec does (the image itself stays the same size past a few thousand
    points: they are stamped into one embedded image)."""
    n = ECHO_MAX_ROWS
    note = "n" * min(9000, max(200, math.ceil(total_bytes / n)))
    rows = [{"x": i % 997, "y": (i * 7919) % 1009, "note": note} for i in range(n)]
    spec = {"type": "scatter", "data": {"values": rows}, "format": "svg",
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    return {"spec": spec}


def http_stalled(s):
    """The same for HTTP: a POST /v1/charts answer larger than the socket can hold, which the
    client never reads, is dropped (a reset) after CHARTD_SEND_TIMEOUT, logged slow_reader with
    http true. (An answer the kernel can hold whole leaves chartd at once: the kernel keeps it.)"""
    body = json.dumps(points_request(wmem_max() + 2 * 1024 * 1024)).encode()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", s.port))
    t0 = time.monotonic()
    sock.sendall(b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
                 b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    events = wait_events(s, 1, 60)
    took = time.monotonic() - t0
    eq(len(events), 1, "stalled HTTP reader logged")
    e = events[0]
    eq((e.get("http"), e["reason"], e["timeout_s"]), (True, "stalled", SEND_TIMEOUT), "HTTP, reason and timeout")
    check(e["sent_bytes"] < e["body_bytes"], f"the answer was not all taken ({e['sent_bytes']} of {e['body_bytes']})")
    check(took < SEND_TIMEOUT + 30, f"dropped {took:.1f} s after the request")
    eq(s.metrics()["chartd_slow_reader_closes_total"], 1, "stalled HTTP reader counted")
    sock.settimeout(10)
    try:
        while sock.recv(65536):
            pass  # what the socket still held, then the end
    except ConnectionResetError:
        pass  # the reset
    sock.close()


def frames_in(buf):
    """Complete server frames at the start of buf: ([(fin, opcode, payload)], the rest)."""
    out = []
    while len(buf) >= 2:
        fin, opcode, n, off = buf[0] >> 7, buf[0] & 0x0F, buf[1] & 0x7F, 2
        if n == 126:
            n, off = int.from_bytes(buf[2:4], "big"), 4
        elif n == 127:
            n, off = int.from_bytes(buf[2:10], "big"), 10
        if len(buf) < off + n:
            break
        out.append((fin, opcode, buf[off:off + n]))
        buf = buf[off + n:]
    return out, buf


def slow_but_reading(s, size):
    """4 KiB every 100 ms (a 4 KiB receive buffer, so the server sees exactly that pace) for a
    reply that takes well over CHARTD_SEND_TIMEOUT to read: not dropped, the chart arrives."""
    check(size / 40960 > 2 * SEND_TIMEOUT, f"the reply ({size} bytes) takes over 2 x the timeout to read")
    raw = RawWS(s.port, rcvbuf=4096)
    raw.recv_frame()
    t0 = time.monotonic()
    raw.send(1, json.dumps(bars_request("slow", SLOW_BARS)).encode())
    buf, data = raw.buf, b""
    while True:
        time.sleep(0.1)
        chunk = raw.sock.recv(4096)
        check(chunk, "the slow reader's connection stays open")
        frames, buf = frames_in(buf + chunk)
        for fin, opcode, payload in frames:
            check(opcode in (0, 1), f"data frame, got opcode {opcode}")
            data += payload
            if not fin:
                continue
            msg, data = json.loads(data), b""
            if msg["type"] == "progress":
                continue
            took = time.monotonic() - t0
            eq((msg["type"], msg["id"]), ("chart", "slow"), "the slow reader's chart")
            check(took > 2 * SEND_TIMEOUT, f"read slowly ({took:.1f} s)")
            eq(s.metrics()["chartd_slow_reader_closes_total"], 1, "the slow reader was not dropped")
            raw.buf = buf
            raw.send(1, b'{"type":"ping"}')
            eq(json.loads(raw.recv_frame()[2]), {"type": "pong"}, "still served")
            raw.close()
            return


def flood(s):
    """Pings as fast as the socket takes them, never reading: the case that once sat 70 s below
    the cap (the pongs waiting in the kernel, the client stuck in its own send) until the idle
    hang-up. Dropped within the send timeout whichever limit trips first."""
    raw = RawWS(s.port, rcvbuf=4096, timeout=20)
    raw.recv_frame()
    blob = RawWS.frame(1, b'{"type":"ping"}') * 20000
    t0 = time.monotonic()
    try:
        for _ in range(40):  # up to 800k pings, ~12 MB of pongs
            raw.sock.sendall(blob)
    except OSError:
        pass  # reset by the server (or, stalled in TCP, the client's own timeout after that)
    events = wait_events(s, 2, SEND_TIMEOUT + 10)
    eq(len(events), 2, "flood logged")
    check(events[1]["reason"] in ("cap", "stalled"), f"flood reason {events[1]['reason']}")
    wait_open(s, 0, SEND_TIMEOUT + LWS_CLOSE_S + 5, "flood")
    check(time.monotonic() - t0 < 40, f"flood dropped in time ({time.monotonic() - t0:.1f} s)")
    eq(s.metrics()["chartd_slow_reader_closes_total"], 2, "flood counted")
    raw.close()


BARS, SLOW_BARS = 700, 50


async def main():
    env = {"MAX_CONCURRENT_CONNECTIONS": "3", "MAX_REQUEST_KB": "8", "MAX_CHART_SIZE_MB": "1"}
    with Server(env=env, workers=1) as s:
        await connection_limit(s)
        inbound_cap(s)
        await still_serves(s)
        eq(http(s.base + "/healthz")[0], 200, "healthz after the limits")

    env = {"MAX_REQUEST_KB": "256", "MAX_CHART_SIZE_MB": "1"}
    with Server(env=env, workers=2) as s:
        big, small = reply_size(s, BARS), reply_size(s, SLOW_BARS)
        check(big > 256 * 1024, f"a big reply ({big} bytes)")
        past_the_cap(s, big)
        await still_serves(s)

    env["CHARTD_SEND_TIMEOUT"] = str(SEND_TIMEOUT)
    with Server(env=env, workers=2) as s:
        stalled(s)
        slow_but_reading(s, small)
        flood(s)
        await still_serves(s)
        eq(http(s.base + "/healthz")[0], 200, "healthz after the slow readers")
        eq(len([e for e in s.log_events() if e["event"] == "slow_reader"]), 2, "no other slow reader")

    # HTTP answers past what the socket holds (the request carries what the answer echoes).
    env.update({"MAX_CHART_SIZE_MB": "64", "MAX_REQUEST_KB": "16384"})
    with Server(env=env, workers=2) as s:
        http_stalled(s)
        await still_serves(s)


run(main)
