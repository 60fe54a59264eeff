"""A fake OpenAI-compatible API on 127.0.0.1 for tests, scripted per test.

Every request to a path that does not start with /_ takes the next scripted response from a
queue (or the default one when the queue is empty) and is recorded. Control endpoints:
  POST /_script   {"responses": [R, ...], "default": R | null, "server": S | null}  replaces the queue
                  and the server profile (S: see SERVERS below)
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

A server profile S = {"name": "openai"|"vllm"|"llamacpp"|"lmstudio"|"ollama"|"llama_cpp_python",
"refuse": ["json_schema", "json_object", "plain"], "reasoning": bool} answers, before any scripted
response, the error that server documents for a response format it refuses ("plain" = no
response_format), and as a reasoning model (OpenAI's o-series, gpt-5) refuses max_tokens and a
temperature other than 1. Those answers are recorded like any other request.

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


# How each server says "I do not take that request format", as its docs and issue threads show:
# - OpenAI: {"error": {"message", "type": "invalid_request_error", "param", "code"}}; a model without
#   structured outputs: "Invalid parameter: 'response_format' of type 'json_schema' is not supported
#   with this model." Reasoning models: "Unsupported parameter: 'max_tokens' is not supported with
#   this model. Use 'max_completion_tokens' instead." (param max_tokens, code unsupported_parameter;
#   github.com/griptape-ai/ComfyUI-Griptape/issues/312, github.com/teilomillet/gollm/issues/33), and
#   "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value
#   is supported." (code unsupported_value).
# - vLLM before 0.10.1: a top-level {"object": "error", "message", "type": "BadRequestError",
#   "param": null, "code": 400} (github.com/vllm-project/vllm/issues/12886; the change to
#   OpenAI's shape: github.com/foundation-model-stack/fms-guardrails-orchestrator/issues/511).
# - llama.cpp's llama-server: {"error": {"code": 400, "message": "JSON schema conversion failed:\n
#   Unrecognized schema: ...", "type": "invalid_request_error"}} (github.com/browseros-ai/BrowserOS/issues/255).
# - LM Studio: a bare string, {"error": "'response_format.type' must be 'json_schema' or 'text'"}
#   for json_object (github.com/lmstudio-ai/lmstudio-bug-tracker/issues/189,
#   github.com/LoadShine/tada/issues/16); its llama.cpp engine refuses schemas it cannot convert.
# - Ollama's /v1: {"error": {"message", "type": "invalid_request_error", "param": null, "code": null}}
#   (github.com/pydantic/pydantic-ai/issues/3406), e.g. 'invalid format: expected "json" or a JSON
#   schema' (github.com/ollama/ollama/issues/8126).
# - llama-cpp-python (FastAPI): 422 {"detail": [{"type", "loc", "msg", "input"}]} for a literal it
#   does not know (github.com/ggml-org/llama.cpp/issues/23463: json_schema refused, 422 expected).
def format_refusal(name, fmt):
    if name == "openai":
        return 400, {"error": {"message": f"Invalid parameter: 'response_format' of type '{fmt}' is not supported "
                               "with this model.", "type": "invalid_request_error", "param": "response_format",
                               "code": None}}
    if name == "vllm":
        return 400, {"object": "error", "message": "The provided JSON schema contains features not supported by "
                     "xgrammar.", "type": "BadRequestError", "param": None, "code": 400}
    if name == "llamacpp":
        return 400, {"error": {"code": 400, "message": "JSON schema conversion failed:\nUnrecognized schema: "
                               "{\"anyOf\":[]}", "type": "invalid_request_error"}}
    if name == "lmstudio":
        if fmt == "json_object":
            return 400, {"error": "'response_format.type' must be 'json_schema' or 'text'"}
        return 400, {"error": "JSON schema conversion failed: Unrecognized schema"}
    if name == "ollama":
        return 400, {"error": {"message": 'invalid format: expected "json" or a JSON schema',
                               "type": "invalid_request_error", "param": None, "code": None}}
    if name == "llama_cpp_python":
        return 422, {"detail": [{"type": "literal_error", "loc": ["body", "response_format", "type"],
                                 "msg": "Input should be 'text' or 'json_object'", "input": fmt}]}
    raise ValueError(f"unknown server profile {name}")


def profile_answer(server, req):
    """The error a profiled server gives this request body, or None to answer normally."""
    if not server or not isinstance(req, dict):
        return None
    if server.get("reasoning"):
        if "max_tokens" in req:
            return 400, {"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
                                   "Use 'max_completion_tokens' instead.", "type": "invalid_request_error",
                                   "param": "max_tokens", "code": "unsupported_parameter"}}
        if req.get("temperature", 1) != 1:
            return 400, {"error": {"message": f"Unsupported value: 'temperature' does not support "
                                   f"{req['temperature']} with this model. Only the default (1) value is supported.",
                                   "type": "invalid_request_error", "param": "temperature",
                                   "code": "unsupported_value"}}
    fmt = (req.get("response_format") or {}).get("type", "plain")
    if fmt in server.get("refuse", []):
        return format_refusal(server["name"], fmt)
    return None


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.queue = []
        self.default = None
        self.server = None
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
                st.server = script.get("server")
            return self._send(200, {"ok": True})
        if self.path == "/_reset_requests":
            with st.lock:
                st.requests = []
            return self._send(200, {"ok": True})
        if self.path == "/_reset":
            with st.lock:
                st.queue, st.default, st.requests, st.server = [], None, [], None
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
        refused = profile_answer(st.server, parsed)
        if refused:
            return self._send(refused[0], refused[1])
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

    def script(self, responses, default=None, server=None):
        with self.state.lock:
            self.state.queue = list(responses)
            self.state.default = default
            self.state.server = server

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
