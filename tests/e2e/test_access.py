"""Access control against the real server: CHARTD_API_KEYS (WebSocket handshake and HTTP,
Bearer header or ?token=), CHARTD_ALLOWED_ORIGINS (exact match, requests without Origin pass),
CHARTD_RATE_LIMIT (`rate_limited` with a retry hint, answered without queuing), keys never in
the log, and bad values refused at start-up."""
import asyncio
import json
import os
import subprocess
import time

import websockets

from chartd_harness import BAR_SPEC, BIN, Server, check, connect, eq, http, recv_json, run, until_final

KEY, KEY2 = "k3y-Alpha_0123456789", "second-key"


async def ws_status(server, path="/", **kw):
    """The HTTP status a refused handshake got, or 101 when it was accepted (hello read)."""
    try:
        async with websockets.connect(server.ws_url.rstrip("/") + path, subprotocols=["chartd.v1"],
                                      open_timeout=10, **kw) as ws:
            eq((await recv_json(ws))["type"], "hello", "first message")
            return 101
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code


async def test_keys():
    with Server(env={"CHARTD_API_KEYS": f"{KEY},{KEY2}"}) as s:
        # WebSocket: missing, wrong, prefix of a key, Bearer, second key, token query.
        eq(await ws_status(s), 401, "WS without a key")
        eq(await ws_status(s, extra_headers={"Authorization": "Bearer nope"}), 401, "WS with a wrong key")
        eq(await ws_status(s, extra_headers={"Authorization": f"Bearer {KEY[:-1]}"}), 401, "WS with a key prefix")
        eq(await ws_status(s, extra_headers={"Authorization": f"Basic {KEY}"}), 401, "WS with another scheme")
        eq(await ws_status(s, extra_headers={"Authorization": f"Bearer {KEY}"}), 101, "WS with a valid key")
        eq(await ws_status(s, extra_headers={"Authorization": f"Bearer {KEY2}"}), 101, "WS with the second key")
        eq(await ws_status(s, path=f"/?token={KEY}"), 101, "WS with ?token=")
        eq(await ws_status(s, path="/?token=wrong"), 401, "WS with a wrong ?token=")
        refusals = s.metrics(headers={"Authorization": f"Bearer {KEY}"})
        eq(refusals['chartd_connections_refused_total{reason="unauthorized"}'], 5.0, "refused handshakes counted")
        # A served request on an authorised connection.
        async with websockets.connect(s.ws_url, subprotocols=["chartd.v1"], max_size=1 << 26,
                                      extra_headers={"Authorization": f"Bearer {KEY}"}) as ws:
            await recv_json(ws)
            await ws.send(json.dumps({"type": "chart.request", "id": "a1", "spec": BAR_SPEC, "format": "svg"}))
            _, final = await until_final(ws, "a1")
            eq(final["type"], "chart", "reply on an authorised connection")

        # HTTP: probes are open, the API is not.
        eq(http(s.base + "/healthz")[0], 200, "/healthz without a key")
        eq(http(s.base + "/readyz")[0], 200, "/readyz without a key")
        for path in ("/v1/themes", "/v1/chart-types", "/metrics"):
            status, headers, body = http(s.base + path)
            eq(status, 401, f"GET {path} without a key")
            eq(headers.get("www-authenticate"), "Bearer", f"GET {path} WWW-Authenticate")
            eq(json.loads(body)["code"], "unauthorized", f"GET {path} error code")
            check(KEY not in body.decode(), "the key is not echoed")
        eq(http(s.base + "/v1/themes", headers={"Authorization": "Bearer wrong"})[0], 401, "HTTP with a wrong key")
        eq(http(s.base + "/v1/themes", headers={"Authorization": f"Bearer {KEY}"})[0], 200, "HTTP with a key")
        eq(http(s.base + f"/v1/themes?token={KEY2}")[0], 200, "HTTP with ?token=")
        req = {"spec": BAR_SPEC, "format": "svg"}
        eq(http(s.base + "/v1/charts", body=req)[0], 401, "POST without a key")
        eq(http(s.base + "/v1/charts", body=req, headers={"Authorization": f"Bearer {KEY}",
                                                          "Content-Type": "application/json"})[0],
           200, "POST with a key")
        # The static playground stays public (documented in the README).
        eq(http(s.base + "/")[0], 200, "GET / (playground) without a key")
    logs = s.logs()
    check(KEY not in logs and KEY2 not in logs, "API keys never appear in the log")
    refused = [e for e in s.log_events() if e.get("event") == "connection_refused"]
    check(any(e.get("reason") == "unauthorized" for e in refused), "a refused handshake is logged (without the key)")


async def test_origins():
    with Server(env={"CHARTD_ALLOWED_ORIGINS": "https://app.example.com,http://localhost:3000"}) as s:
        eq(await ws_status(s, origin="https://app.example.com"), 101, "allowed origin")
        eq(await ws_status(s, origin="http://localhost:3000"), 101, "second allowed origin")
        eq(await ws_status(s, origin="https://evil.example.com"), 403, "unlisted origin")
        eq(await ws_status(s, origin="https://app.example.com.evil.net"), 403, "origin with an allowed prefix")
        eq(await ws_status(s, origin="https://app.example.co"), 403, "origin that is a prefix of an allowed one")
        eq(await ws_status(s), 101, "no Origin (non-browser client)")
        eq(s.metrics()['chartd_connections_refused_total{reason="origin"}'], 3.0, "refused origins counted")
        # HTTP is not origin-checked (no CORS credentials are involved) and keys are off.
        eq(http(s.base + "/v1/themes")[0], 200, "HTTP without keys")
    check(any(e.get("reason") == "origin" and e.get("origin") == "https://evil.example.com"
              for e in s.log_events() if e.get("event") == "connection_refused"), "refused origin logged")


async def test_rate_limit():
    with Server(env={"CHARTD_RATE_LIMIT": "3"}) as s:
        async with connect(s) as ws:
            await recv_json(ws)
            for i in range(3):
                await ws.send(json.dumps({"type": "chart.request", "id": f"r{i}", "spec": BAR_SPEC, "format": "svg"}))
                _, final = await until_final(ws, f"r{i}")
                eq(final["type"], "chart", f"request {i} within the limit")
            # ping and cancel are not requests: they are never limited.
            await ws.send(json.dumps({"type": "ping"}))
            eq((await recv_json(ws))["type"], "pong", "ping past the limit")
            await ws.send(json.dumps({"type": "chart.request", "id": "r3", "spec": BAR_SPEC, "format": "svg"}))
            msg = await recv_json(ws)
            eq({k: msg[k] for k in ("type", "id", "code", "retryable")},
               {"type": "error", "id": "r3", "code": "rate_limited", "retryable": True}, "4th request")
            check(isinstance(msg["retry_after_ms"], int) and 0 < msg["retry_after_ms"] <= 60001,
                  f"retry_after_ms hint: {msg.get('retry_after_ms')}")
            check("CHARTD_RATE_LIMIT" in msg["message"], "the message names the setting")
            await ws.send("not json")
            eq((await recv_json(ws))["code"], "rate_limited", "invalid JSON past the limit is not queued either")
        # The limit is per connection: a new one is served.
        async with connect(s) as ws:
            await recv_json(ws)
            await ws.send(json.dumps({"type": "chart.request", "id": "n1", "spec": BAR_SPEC, "format": "svg"}))
            _, final = await until_final(ws, "n1")
            eq(final["type"], "chart", "a new connection has its own budget")
        # Rate-limited requests never reached a worker: 4 charts rendered in all. A worker
        # counts a request just after its reply leaves, so poll briefly for the last one.
        deadline = time.time() + 3
        while True:
            m = s.metrics()
            total = sum(v for k, v in m.items() if k.startswith("chartd_requests_total"))
            if total >= 4.0 or time.time() > deadline:
                break
            time.sleep(0.02)
        eq(total, 4.0, "requests counted by the workers")


def test_config_errors():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTD_")}
    cases = [
        ({"CHARTD_API_KEYS": "good,,other"}, "CHARTD_API_KEYS entry 2 is empty"),
        ({"CHARTD_API_KEYS": "secret one"}, "CHARTD_API_KEYS entry 1 contains whitespace"),
        ({"CHARTD_ALLOWED_ORIGINS": "https://a.example,"}, "CHARTD_ALLOWED_ORIGINS entry 2 is empty"),
        ({"CHARTD_RATE_LIMIT": "-1"}, "CHARTD_RATE_LIMIT=-1 is out of range"),
    ]
    for extra, want in cases:
        p = subprocess.run([BIN, "check"], env={**env, **extra}, capture_output=True, text=True, timeout=30,
                           cwd="/")
        eq(p.returncode, 2, f"chartd check with {list(extra)[0]} exit code")
        check(want in p.stderr, f"stderr {p.stderr!r} names the problem ({want!r})")
        check("secret" not in p.stderr, "the bad key is not echoed")


async def main():
    test_config_errors()
    await test_keys()
    await test_origins()
    await test_rate_limit()


if __name__ == "__main__":
    run(main)
