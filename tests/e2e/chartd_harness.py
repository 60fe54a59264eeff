"""Shared helpers for the end-to-end tests: start the real `chartd serve` on a free
loopback port, wait for /readyz, talk HTTP and WebSocket to it, stop it.

Run by Debian's /usr/bin/python3 (python3-websockets 10.x); CHARTD_BIN names the binary."""
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import websockets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("CHARTD_BIN", os.path.join(ROOT, "build", "chartd")))
MAX_SIZE = 64 * 1024 * 1024
# CHARTD_SCRIPT_BUDGET_MS is CPU time; a run over it ends at the latest after this many times
# it in wall time (BUDGET_CPU_WALL_FACTOR, src/budget.h): how long a test may wait for a refusal.
SCRIPT_BUDGET_WALL_FACTOR = 20

BAR_SPEC = {
    "type": "bar",
    "title": "Revenue by month",
    "data": {"values": [
        {"month": "Jan", "revenue": 120}, {"month": "Feb", "revenue": 90},
        {"month": "Mar", "revenue": 150}, {"month": "Apr", "revenue": 60},
    ]},
    "encoding": {"x": {"field": "month", "type": "nominal"},
                 "y": {"field": "revenue", "type": "quantitative"}},
}


def script_home(prefix="chartd-home-"):
    """A temp copy of lua/, prompts/, themes/, web/: a CHARTD_HOME a test may edit (hot reload)."""
    import shutil
    home = tempfile.mkdtemp(prefix=prefix)
    for d in ("lua", "prompts", "themes", "web"):
        if os.path.isdir(os.path.join(ROOT, d)):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(home, d))
    return home


# The line of lua/charts/bar.lua that reload tests rewrite to tell generations apart by colour.
SET_COLOR = "    canvas:set_color(b.color)\n"


def bar_module(home):
    """(path, text) of a script_home's lua/charts/bar.lua, which must hold SET_COLOR once."""
    path = os.path.join(home, "lua", "charts", "bar.lua")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    check(text.count(SET_COLOR) == 1, "bar.lua has the set_color line this test edits")
    return path, text


def svg_fill(colour):
    """How cairo's SVG surface writes a fill colour ("#ff0000" → "fill:rgb(100%,0%,0%)")."""
    parts = []
    for i in (1, 3, 5):
        v = int(colour[i:i + 2], 16) / 255 * 100
        parts.append(("%.6f" % v).rstrip("0").rstrip(".") + "%")
    return "fill:rgb(%s)" % ",".join(parts)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failure(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def eq(got, want, what):
    if got != want:
        raise Failure(f"{what}: got {got!r}, want {want!r}")


class Server:
    """The real server on a free port. env entries override a clean environment."""

    def __init__(self, env=None, workers=2, ready=True):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="chartd-e2e-", suffix=".log", delete=False)
        full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "MAX_", "PORT"))}
        full.update({"WEBSOCKET_PORT": str(self.port), "CHARTD_WORKERS": str(workers), "LOG_LEVEL": "INFO",
                     "CHARTD_HOME": os.environ.get("CHARTD_TEST_HOME", ROOT)})
        full.pop("PORT", None)
        full.update(env or {})
        # An empty working dir: no .env from the tree leaks into the test.
        self.cwd = tempfile.mkdtemp(prefix="chartd-e2e-cwd-")
        self.proc = subprocess.Popen([BIN, "serve"], cwd=self.cwd, env=full, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/"
        if ready:
            self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure(f"chartd exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                status, _, _ = http(self.base + "/readyz", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise Failure(f"chartd not ready after {timeout}s:\n{self.logs()}")

    def logs(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def log_events(self):
        out = []
        for line in self.logs().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                raise Failure(f"log line is not JSON: {line!r}")
        return out

    def stop(self, sig=signal.SIGTERM, timeout=40):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("chartd did not stop after SIGTERM")
        return self.proc.returncode

    def metrics(self, headers=None):
        status, _, body = http(self.base + "/metrics", headers=headers)
        eq(status, 200, "GET /metrics status")
        values = {}
        for line in body.decode().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def wait_metric(self, name, want, timeout=3):
        """Metrics are recorded just after the reply leaves: poll until name == want."""
        deadline = time.time() + timeout
        while True:
            got = self.metrics().get(name)
            if got == want or time.time() > deadline:
                eq(got, want, name)
                return
            time.sleep(0.02)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        rc = self.stop()
        if exc[0] is None and rc != 0:  # the log's tail says why (a sanitizer report, a crash)
            eq(rc, 0, "chartd exit code after SIGTERM; log tail:\n" + self.logs()[-4000:])


def http(url, body=None, headers=None, method=None, timeout=30):
    """Returns (status, headers dict with lower-case names, body bytes); never raises on 4xx/5xx."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def connect(server, **kw):
    kw.setdefault("max_size", MAX_SIZE)
    kw.setdefault("subprotocols", ["chartd.v1"])
    kw.setdefault("open_timeout", 10)
    return websockets.connect(server.ws_url, **kw)


async def recv_json(ws, timeout=30):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def until_final(ws, rid, timeout=30):
    """Messages for request rid up to its chart or error; returns (progress list, final)."""
    progress = []
    while True:
        msg = await recv_json(ws, timeout)
        if msg.get("id") != rid:
            raise Failure(f"message for another request while waiting for {rid}: {msg}")
        if msg["type"] == "progress":
            progress.append(msg)
        else:
            return progress, msg


def png_size(data):
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def run(main):
    """Runs an async test main; exits 1 with the reason on failure."""
    try:
        asyncio.run(main())
    except (Failure, AssertionError) as e:
        import traceback
        traceback.print_exc()
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print("ok")


class RawWS:
    """A bare WebSocket client on a socket, for what libraries will not do: invalid UTF-8,
    hand-made fragments, never reading (with a small receive buffer)."""

    def __init__(self, port, rcvbuf=None, subprotocol="chartd.v1", timeout=30):
        import base64 as b64
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        key = b64.b64encode(os.urandom(16)).decode()
        req = (f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if subprotocol:
            req += f"Sec-WebSocket-Protocol: {subprotocol}\r\n"
        self.sock.sendall((req + "\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Failure("connection closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        check(head.startswith(b"HTTP/1.1 101"), f"handshake answer {head[:40]!r}")

    @staticmethod
    def frame(opcode, payload, fin=True):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, mask)
        return head + mask + masked

    def send(self, opcode, payload, fin=True):
        self.sock.sendall(self.frame(opcode, payload, fin))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise Failure("connection closed without a close frame")
            self.buf += chunk

    def recv_frame(self):
        """(fin, opcode, payload) of the next frame from the server (unmasked)."""
        self._need(2)
        fin, opcode, n = self.buf[0] >> 7, self.buf[0] & 0x0F, self.buf[1] & 0x7F
        off = 2
        if n == 126:
            self._need(4)
            n, off = int.from_bytes(self.buf[2:4], "big"), 4
        elif n == 127:
            self._need(10)
            n, off = int.from_bytes(self.buf[2:10], "big"), 10
        self._need(off + n)
        payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return fin, opcode, payload

    def close_code(self):
        """Reads frames up to the close frame; returns (code, reason, data frames seen)."""
        seen = 0
        while True:
            _, opcode, payload = self.recv_frame()
            if opcode == 8:
                return int.from_bytes(payload[:2], "big"), payload[2:].decode(errors="replace"), seen
            seen += 1

    def close(self):
        self.sock.close()


def _mask_fast(payload, mask):
    n = len(payload)
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
