"""WebSocket protocol without rendering: hello, ping, every bad-input error code, and the
connection staying usable after each error."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import Server, connect, eq, check, recv_json, run, http  # noqa: E402


async def expect_error(ws, text, code, rid=None, contains=None, path=None):
    await ws.send(text)
    msg = await recv_json(ws)
    while msg["type"] == "progress":  # validation runs after the request was accepted
        eq(msg["id"], rid, "progress id")
        msg = await recv_json(ws)
    eq(msg["type"], "error", f"reply type to {text[:60]!r}")
    eq(msg["code"], code, f"error code for {text[:60]!r}")
    eq(msg["id"], rid, f"error id for {text[:60]!r}")
    eq(msg["retryable"], False, "retryable")
    if contains:
        check(contains in msg["message"], f"message {msg['message']!r} should contain {contains!r}")
    if path:
        eq(msg.get("path"), path, "error path")
    return msg


async def main():
    with Server(workers=1) as s:
        _, _, body = http(s.base + "/v1/chart-types")
        types = json.loads(body)["chart_types"]
        _, _, body = http(s.base + "/v1/themes")
        themes = json.loads(body)["themes"]
        check("bar" in types and "line" in types, f"chart types {types}")
        check("light" in themes and "dark" in themes, f"themes {themes}")

        async with connect(s) as ws:
            eq(ws.subprotocol, "chartd.v1", "negotiated subprotocol")
            hello = await recv_json(ws)
            eq(hello["type"], "hello", "first message")
            eq(hello["planner"], "offline", "planner without a key")
            eq(hello["chart_types"], types, "hello chart_types = /v1/chart-types")
            eq(hello["themes"], themes, "hello themes = /v1/themes")
            check(isinstance(hello["version"], str) and hello["version"], "version")

            await ws.send('{"type":"ping"}')
            eq(await recv_json(ws), {"type": "pong"}, "pong")

            m = await expect_error(ws, '{"type":"chart.request",', "invalid_json")
            check(m["message"].startswith("invalid JSON at line 1, column"), m["message"])
            await expect_error(ws, "[1,2]", "invalid_request", contains="must be a JSON object")
            # nesting past the protocol's 64 levels is invalid_request however deep (lua-cjson's own
            # limit of 1000 must not turn the deepest into invalid_json)
            for depth in (65, 1000, 1001, 10000):
                await expect_error(ws, "[" * depth + "]" * depth, "invalid_request",
                                   contains="deeper than the limit of 64 levels")
            await expect_error(ws, '"hi"', "invalid_request", contains="must be a JSON object")
            await expect_error(ws, '{"type":"chart.make","id":"x"}', "invalid_request", rid="x",
                               contains='unknown message type "chart.make"', path="type")
            await expect_error(ws, '{"type":"chart.request","spec":{}}', "invalid_request",
                               contains="id: missing", path="id")
            await expect_error(ws, '{"type":"chart.request","id":7}', "invalid_request",
                               contains="id: must be a string", path="id")
            await expect_error(ws, '{"type":"chart.request","id":"u","spek":{}}', "invalid_request", rid="u",
                               contains="spek: unknown field", path="spek")
            await expect_error(ws, '{"type":"chart.request","id":"s","spec":[1]}', "invalid_request", rid="s",
                               contains="spec: must be an object", path="spec")
            await expect_error(ws, '{"type":"chart.request","id":"p","prompt":5}',
                               "invalid_request", rid="p", contains="prompt: must be a string", path="prompt")
            await expect_error(ws, '{"type":"chart.request","id":"n"}', "invalid_request", rid="n",
                               contains="spec: missing")
            m = await expect_error(ws, json.dumps({"type": "chart.request", "id": "t", "spec": {
                "type": "bars", "data": {"values": [{"a": 1}]},
                "encoding": {"x": {"field": "a", "type": "quantitative"}}}}), "unknown_chart_type", rid="t")
            check("bar" in m["message"], f"names the available types: {m['message']}")
            m = await expect_error(ws, json.dumps({"type": "chart.request", "id": "th", "theme": "neon", "spec": {
                "type": "bar", "data": {"values": [{"a": "x", "b": 1}]},
                "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}}),
                "unknown_theme", rid="th")
            m = await expect_error(ws, json.dumps({"type": "chart.request", "id": "f", "spec": {
                "type": "bar", "data": {"values": [{"a": "x", "b": 1}]},
                "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "revnue", "type": "quantitative"}}}}),
                "unknown_field", rid="f")
            check("revnue" in m["message"], m["message"])
            # chart.cancel of nothing in flight is silent; the connection still answers.
            await ws.send('{"type":"chart.cancel","id":"nothing"}')
            await ws.send('{"type":"ping"}')
            eq(await recv_json(ws), {"type": "pong"}, "pong after cancel of nothing")

        # A client naming no subprotocol is served too.
        async with connect(s, subprotocols=None) as ws:
            eq((await recv_json(ws))["type"], "hello", "hello without subprotocol")
            await ws.send('{"type":"ping"}')
            eq(await recv_json(ws), {"type": "pong"}, "pong without subprotocol")

        s.wait_metric("chartd_connections_open", 0)
        m = s.metrics()
        eq(m['chartd_requests_total{outcome="invalid_json",chart_type="none"}'], 1, "invalid_json counted")
        eq(m['chartd_requests_total{outcome="unknown_theme",chart_type="bar"}'], 1, "unknown_theme counted by chart type")
        eq(m["chartd_connections_total"], 2, "connections accepted")
        eq(m["chartd_connections_open"], 0, "connections open after close")
        for event in s.log_events():
            check("time" in event and "level" in event and "event" in event, f"log line fields: {event}")


run(main)
