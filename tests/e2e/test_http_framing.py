"""HTTP/1.1 framing (RFC 9112) against the real server with raw sockets: every request that used
to get silence — two Content-Length headers, an invalid one, a chunked body, a POST without a
length, CONNECT, an 8 KB request line, a 20 KB header, pipelined GETs, obsolete line folding —
gets a status and the connection is closed; refusals are logged at most once per interval;
good requests, WebSockets and the playground page still work."""
import json
import os
import socket
import time

from chartd_harness import BAR_SPEC, Server, check, connect, eq, recv_json, run


def exchange(port, data, wait=5.0):
    """Sends data, reads until the server closes; returns (statuses, headers of the first, raw)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    s.sendall(data)
    raw = b""
    deadline = time.monotonic() + wait
    closed = False
    try:
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            raw += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    check(closed, f"the server closed the connection (got {raw[:120]!r})")
    statuses = [int(line.split(b" ")[1]) for line in raw.split(b"\r\n") if line.startswith(b"HTTP/1.")]
    head = raw.split(b"\r\n\r\n", 1)[0].decode(errors="replace").lower()
    return statuses, head, raw


BODY = json.dumps({"spec": BAR_SPEC, "format": "svg"}).encode()

CASES = [
    ("two different Content-Length", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nContent-Length: 5\r\n\r\n"
     % len(BODY) + BODY, 400),
    ("Content-Length twice", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n"
     % (len(BODY), len(BODY)) + BODY, 400),
    ("Content-Length: abc", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" + BODY, 400),
    ("chunked body", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY)
     + BODY + b"\r\n0\r\n\r\n", 411),
    ("unknown transfer coding", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n", 501),
    ("POST without a length", b"POST /v1/charts HTTP/1.1\r\nHost: x\r\n\r\n" + BODY, 411),
    ("CONNECT", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405),
    ("unknown method", b"PATCH /v1/charts HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    ("8 KB request line", b"GET /" + b"a" * 8192 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    ("20 KB header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431),
    ("obsolete line folding", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400),
    ("no Host", b"GET /healthz HTTP/1.1\r\n\r\n", 400),
    ("HTTP/2 in plain text", b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    ("not HTTP", b"HELLO\r\n\r\n", 400),
]


async def main():
    with Server(workers=1) as s:
        for name, data, want in CASES:
            statuses, head, raw = exchange(s.port, data)
            eq(statuses, [want], f"{name}: status")
            check("connection: close" in head, f"{name}: Connection: close ({head[:200]!r})")
            body = json.loads(raw.split(b"\r\n\r\n", 1)[1])
            eq((body["type"], body["code"]), ("error", "invalid_request"), f"{name}: JSON error body")
            check(str(want) in body["message"], f"{name}: the message names the status: {body['message']}")
            if want == 405:
                check("allow: get, head, post" in head, f"{name}: Allow header")

        # pipelined GETs: the first is answered, then the connection closes with Connection: close
        statuses, head, _ = exchange(s.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                              b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
                                              b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        eq(statuses, [200], "pipelined GETs: the first answered, then closed")
        check("connection: close" in head, "pipelined GETs: Connection: close")

        # good requests still work: a POST with its body, HTTP/1.0, the playground, a WebSocket
        statuses, head, raw = exchange(s.port, b"POST /v1/charts HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                                               b"Accept: application/json\r\n\r\n" % len(BODY) + BODY, wait=30)
        eq(statuses, [200], "POST /v1/charts")
        eq(json.loads(raw.split(b"\r\n\r\n", 1)[1])["type"], "chart", "POST /v1/charts answers a chart")
        eq(exchange(s.port, b"GET /healthz HTTP/1.0\r\n\r\n")[0], [200], "HTTP/1.0 GET")
        statuses, head, raw = exchange(s.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        eq(statuses, [200], "the playground page")
        check(b"<html" in raw.lower(), "the playground's HTML")
        async with connect(s) as ws:
            eq((await recv_json(ws))["type"], "hello", "a WebSocket after all that")
            await ws.send(json.dumps({"type": "ping"}))
            eq((await recv_json(ws))["type"], "pong", "ping")

        # refusals are logged, at most once per interval (14 refusals above, within seconds)
        refused = [e for e in s.log_events() if e.get("event") == "http_refused"]
        check(1 <= len(refused) <= 2, f"refusals logged once per interval: {len(refused)} lines")

        # nothing above left the server busy: idle, it uses no CPU
        def cpu_s():
            with open(f"/proc/{s.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        before = cpu_s()
        time.sleep(2)
        check(cpu_s() - before < 0.3, f"idle server used {cpu_s() - before:.2f} s of CPU in 2 s")

        # a silent socket is closed by the front door, not held forever
        t0 = time.monotonic()
        silent = socket.create_connection(("127.0.0.1", s.port), timeout=20)
        check(silent.recv(1) == b"", "a silent socket is closed")
        check(8 < time.monotonic() - t0 < 15, "after about 10 s")
        silent.close()


run(main)
