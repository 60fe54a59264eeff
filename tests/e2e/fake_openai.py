"""A fake OpenAI-compatible API on 127.0.0.1 for tests, scripted per test.

Every request to a path that does not start with /_ takes the next scripted response from a
queue (or the default one when the queue is empty) and is recorded. Control endpoints:
  POST /_script   {"responses": [R, ...], "default": R | null}  replaces the queue
  GET  /_requests the recorded requests: [{"method","path","headers","body","json","t"}]
                  (t = seconds since the server started, monotonic; headers lower-cased)
  POST /_reset    clears the queue and the record; POST /_reset_requests only the record
  POST /_shutdown stops the server
A response R:
  {"status": 200, "headers": {...}, "body": "text" | {json},
   "chat": {"content": "text" | {json}, "finish_reason": "stop", "refusal": null},  # a chat.completion body
   "delay": seconds before the answer,
   "slow_body": seconds between 10-byte chunks of the body,
   "never_end": true   (headers with a large Content-Length, then a byte a second forever),
   "size_mb": 50       (a body of that many MB of spaces inside a JSON string)}

Run as a program (`python3 fake_openai.py [--port N]`) it prints "PORT <n>" on its first line
and exits when its parent process goes away; or use FakeOpenAI() from Python tests."""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "gpt-4o-mini"


def chat_body(chat):
    content = chat.get("content")
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    message = {"role": "assistant", "content": content, "refusal": chat.get("refusal")}
    choices = [{"index": 0, "message": message, "finish_reason": chat.get("finish_reason", "stop"),
                "logprobs": None}]
    if chat.get("no_choices"):
        choices = []
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": MODEL,
            "choices": choices, "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.queue = []
        self.default = None
        self.requests = []
        self.t0 = time.monotonic()

    def next_response(self):
        with self.lock:
            if self.queue:
                return self.queue.pop(0)
            return self.default


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set per server

    def log_message(self, *args):
        pass

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _control(self, body):
        st = self.state
        if self.path == "/_requests":
            with st.lock:
                return self._send(200, st.requests)
        if self.path == "/_script":
            script = json.loads(body or b"{}")
            with st.lock:
                st.queue = list(script.get("responses", []))
                st.default = script.get("default")
            return self._send(200, {"ok": True})
        if self.path == "/_reset_requests":
            with st.lock:
                st.requests = []
            return self._send(200, {"ok": True})
        if self.path == "/_reset":
            with st.lock:
                st.queue, st.default, st.requests = [], None, []
            return self._send(200, {"ok": True})
        if self.path == "/_shutdown":
            self._send(200, {"ok": True})
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return None
        return self._send(404, {"error": "unknown control path"})

    def _handle(self):
        body = self._read_body()
        if self.path.startswith("/_"):
            return self._control(body)
        st = self.state
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        with st.lock:
            st.requests.append({"method": self.command, "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "body": body.decode("utf-8", "replace"), "json": parsed,
                                "t": time.monotonic() - st.t0})
        r = st.next_response()
        if r is None:
            return self._send(500, {"error": {"message": "fake_openai: no scripted response", "type": "server_error"}})
        if r.get("delay"):
            time.sleep(r["delay"])
        status = r.get("status", 200)
        headers = r.get("headers") or {}
        if r.get("never_end"):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                return None
        if r.get("size_mb"):
            n = int(r["size_mb"] * 1024 * 1024)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b" " * 65536
            try:
                sent = 0
                while sent < n:
                    part = chunk[: min(len(chunk), n - sent)]
                    self.wfile.write(part)
                    sent += len(part)
            except OSError:
                pass
            return None
        if "chat" in r:
            payload = chat_body(r["chat"])
        else:
            payload = r.get("body", {})
        data = payload if isinstance(payload, str) else json.dumps(payload)
        data = data.encode()
        if r.get("slow_body"):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in headers.items():
                self.send_header(k, str(v))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for i in range(0, len(data), 10):
                    self.wfile.write(data[i:i + 10])
                    self.wfile.flush()
                    time.sleep(r["slow_body"])
            except OSError:
                pass
            return None
        return self._send(status, data, headers)

    do_GET = _handle
    do_POST = _handle


class Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: 50 clients connecting at once would see their SYNs
    # dropped and retried a second later, which measures the kernel, not chartd.
    request_queue_size = 256


class FakeOpenAI:
    """In-process fake for Python tests: FakeOpenAI().base_url ends in /v1."""

    def __init__(self, port=0):
        self.state = State()
        handler = type("H", (Handler,), {"state": self.state})
        self.httpd = Server(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def script(self, responses, default=None):
        with self.state.lock:
            self.state.queue = list(responses)
            self.state.default = default

    def requests(self):
        with self.state.lock:
            return list(self.state.requests)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    port = 0
    if "--port" in sys.argv:
        port = int(sys.argv[sys.argv.index("--port") + 1])
    fake = FakeOpenAI(port)
    print(f"PORT {fake.port}", flush=True)
    parent = os.getppid()
    while fake.thread.is_alive():
        if os.getppid() != parent:
            break
        fake.thread.join(0.2)
    fake.httpd.server_close()


if __name__ == "__main__":
    main()
