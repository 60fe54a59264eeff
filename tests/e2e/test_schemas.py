"""The JSON Schemas under schemas/ against real traffic: every message a running chartd sends
(hello, progress, chart in each format, errors with and without an id, pong, subscribed, reload
ok and failed, the HTTP JSON bodies), every request the tests send, and examples/*.json. Also:
the schemas are valid 2020-12 schemas, the error-code list matches lua/service.lua, and broken
messages are refused (so a schema that accepts anything fails here)."""
import asyncio
import copy
import glob
import json
import os
import re
import shutil
import sys
import tempfile

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import ROOT, BAR_SPEC, Server, connect, eq, check, recv_json, run, http  # noqa: E402

# The bundled schemas (tools/bundle_schemas.py: each with what it refers to embedded), used as a
# plain validator uses them: no resolver, no registry, no network.
SCHEMAS = {}
for path in sorted(glob.glob(os.path.join(ROOT, "schemas", "bundled", "*.schema.json"))):
    with open(path, encoding="utf-8") as f:
        SCHEMAS[os.path.basename(path)[: -len(".schema.json")]] = json.load(f)
SOURCES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "schemas", "*.schema.json")))
eq(sorted(n + ".schema.json" for n in SCHEMAS), SOURCES, "one bundle per schema")
_check = __import__("subprocess").run([sys.executable, os.path.join(ROOT, "tools", "bundle_schemas.py"), "--check"],
                                      capture_output=True, text=True)
eq(_check.returncode, 0, f"the bundles are up to date: {_check.stderr.strip()}")


def validator(name):
    return jsonschema.Draft202012Validator(SCHEMAS[name], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def valid(name, msg, what):
    errors = sorted(validator(name).iter_errors(msg), key=lambda e: list(e.path))
    if errors:
        shown = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in msg.items()}
        raise AssertionError(f"{what}: not a valid {name}: {errors[0].message} at "
                             f"{'/'.join(map(str, errors[0].path))}\n{json.dumps(shown)[:600]}")


def invalid(name, msg, what):
    check(not validator(name).is_valid(msg), f"{what}: the {name} schema should refuse it")


SEEN = {}


def seen(msg, what):
    """Validates a server message against the schema its type names."""
    t = msg["type"]
    check(t in SCHEMAS, f"{what}: no schema for message type {t!r}")
    valid(t, msg, what)
    SEEN.setdefault(t, []).append(msg)


async def exchange(ws, request, what):
    valid("chart.request", request, f"{what} (request)")
    await ws.send(json.dumps(request))
    while True:
        msg = await recv_json(ws)
        seen(msg, what)
        eq(msg.get("id"), request["id"], f"{what}: reply id")
        if msg["type"] not in ("progress",):
            return msg


def static_checks():
    for name, schema in SCHEMAS.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        eq(schema["$id"], f"https://chartd.dev/schemas/v1/{name}.schema.json", f"{name}: an absolute $id ending in its file name")
    want = {"chart-spec", "chart.request", "chart.cancel", "ping", "subscribe", "hello", "progress",
            "chart", "error", "pong", "subscribed", "reload", "scene"}
    eq(set(SCHEMAS), want, "one schema per protocol message, the chart spec and the scene")

    # The closed list of error codes is the one table in src/errors.c.
    with open(os.path.join(ROOT, "src", "errors.c"), encoding="utf-8") as f:
        body = f.read().split("ERROR_CODES[] = {", 1)[1].split("\n};", 1)[0]
    codes = set(re.findall(r'\{"(\w+)", \d+, (?:true|false),', body))
    check(len(codes) >= 10, f"codes parsed from src/errors.c: {codes}")
    eq(set(SCHEMAS["error"]["properties"]["code"]["enum"]), codes, "error codes in error.schema.json")

    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        valid("chart-spec", spec, os.path.relpath(path, ROOT))

    # Broken messages are refused.
    spec = copy.deepcopy(BAR_SPEC)
    valid("chart-spec", spec, "BAR_SPEC")
    invalid("chart-spec", {**spec, "colour": "red"}, "unknown top-level key")
    invalid("chart-spec", {**spec, "width": 9000}, "width over 8192")
    invalid("chart-spec", {**spec, "format": "gif"}, "format gif")
    bad = copy.deepcopy(spec)
    bad["encoding"]["y"]["aggregate"] = "total"
    invalid("chart-spec", bad, "aggregate total")
    invalid("chart.request", {"type": "chart.request", "id": "r1"}, "neither spec nor prompt")
    invalid("chart.request", {"type": "chart.request", "id": "", "spec": spec}, "empty id")
    invalid("chart.request", {"type": "chart.request", "id": "r1", "spec": spec, "colour": 1}, "unknown field")
    invalid("progress", {"type": "progress", "id": "r1", "stage": "thinking", "progress": 5, "message": "",
                         "timestamp": "2026-11-24T08:30:00.123Z"}, "unknown stage")
    invalid("error", {"type": "error", "id": None, "code": "oops", "message": "x", "retryable": False}, "unknown code")
    invalid("reload", {"type": "reload", "generation": 2, "ok": False, "changed": []}, "failed reload without error")


async def main():
    static_checks()
    # A private copy of the scripts: the test edits a theme to make the server reload.
    home = tempfile.mkdtemp(prefix="chartd-schemas-home-")
    for d in ("lua", "themes", "prompts", "web"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(home, d), symlinks=True)
    try:
        with Server(workers=2, env={"CHARTD_HOME": home, "CHARTD_RELOAD": "1", "LLM_PROVIDER": "offline"}) as s:
            async with connect(s) as ws:
                seen(await recv_json(ws), "on connect")
                eq(SEEN["hello"][0]["planner"], "offline", "hello planner")
                await ws.send(json.dumps({"type": "ping"}))
                seen(await recv_json(ws), "ping")
                sub = {"type": "subscribe", "events": ["reload"], "rerender": False}
                valid("subscribe", sub, "subscribe")
                await ws.send(json.dumps(sub))
                seen(await recv_json(ws), "subscribe")

                for fmt in ("png", "svg", "pdf"):
                    msg = await exchange(ws, {"type": "chart.request", "id": f"spec-{fmt}", "spec": BAR_SPEC,
                                              "format": fmt, "width": 400, "height": 300}, f"{fmt} chart")
                    eq(msg["type"], "chart", f"{fmt} reply")
                    check("scene" not in msg, f"{fmt} reply: no scene unless asked")
                msg = await exchange(ws, {"type": "chart.request", "id": "again", "spec": BAR_SPEC, "format": "svg",
                                          "width": 400, "height": 300}, "a chart from the render cache")
                eq(msg.get("cached"), True, "the same spec again: from the cache")
                msg = await exchange(ws, {"type": "chart.request", "id": "scene", "spec": BAR_SPEC, "scene": True,
                                          "width": 400, "height": 300}, "chart with its scene")
                eq(msg["type"], "chart", "scene reply")
                roles = {it.get("role") for it in msg["scene"]["items"] if it["kind"] == "text"}
                check({"title", "tick-label"} <= roles, f"scene: titles and tick labels recorded, got {roles}")
                check(any(it["kind"] == "mark" for it in msg["scene"]["items"]), "scene: marks recorded")
                invalid("scene", {**msg["scene"], "items": [{"kind": "text", "role": "caption", "text": "x", "x": 0,
                                                            "y": 0, "w": 1, "h": 1, "angle": 0, "value": None}]},
                        "a text item with an unknown role")
                for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
                    with open(path, encoding="utf-8") as f:
                        spec = json.load(f)
                    name = os.path.basename(path)
                    msg = await exchange(ws, {"type": "chart.request", "id": name, "spec": spec}, name)
                    eq(msg["type"], "chart", f"{name} reply")
                vl = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": {"type": "bar", "cornerRadius": 2},
                      "data": {"values": [{"a": "x", "b": 1, "d": "Jan 5 2024"}, {"a": "y", "b": 2, "d": "Feb 9 2024"}]},
                      "encoding": {"x": {"field": "d", "timeUnit": "month", "type": "ordinal"},
                                   "y": {"field": "b", "type": "quantitative"}, "color": {"field": "a"}}}
                valid("chart.request", {"type": "chart.request", "id": "vl", "spec": vl}, "Vega-Lite request")
                msg = await exchange(ws, {"type": "chart.request", "id": "vl", "spec": vl}, "Vega-Lite spec")
                eq(msg["type"], "chart", f"Vega-Lite reply {msg}")
                check(msg.get("warnings") == ["mark.cornerRadius: not supported; the theme's value is drawn"],
                      f"Vega-Lite warnings {msg.get('warnings')}")
                msg = await exchange(ws, {"type": "chart.request", "id": "prompt",
                                          "prompt": "monthly revenue as a line chart"}, "prompt")
                if msg["type"] == "chart":
                    # the conversation has data (the specs above): a prompt is drawn on it, never invented
                    eq(msg.get("synthetic"), False, "prompt on a conversation with data: not synthetic")
                    msg = await exchange(ws, {"type": "chart.request", "id": "followup",
                                              "prompt": "make it a bar chart"}, "follow-up")
                else:
                    eq(msg["code"], "planner_unavailable", f"prompt without a planner ({msg.get('message')})")

                bad = copy.deepcopy(BAR_SPEC)
                bad["encoding"]["y"]["field"] = "revnue"
                msg = await exchange(ws, {"type": "chart.request", "id": "bad", "spec": bad}, "unknown field")
                eq((msg["code"], msg["path"]), ("unknown_field", "encoding.y.field"), "unknown field error")
                await ws.send("{not json")
                msg = await recv_json(ws)
                seen(msg, "invalid JSON")
                eq((msg["code"], msg["id"]), ("invalid_json", None), "invalid JSON error")
                cancel = {"type": "chart.cancel", "id": "nothing-in-flight"}
                valid("chart.cancel", cancel, "chart.cancel")
                valid("ping", {"type": "ping"}, "ping")

                # Reload: a good theme edit, then a broken one.
                theme = os.path.join(home, "themes", "light.lua")
                with open(theme, encoding="utf-8") as f:
                    text = f.read()
                with open(theme, "w", encoding="utf-8") as f:
                    f.write(text.replace('background = "#ffffff"', 'background = "#fefefe"'))
                msg = await recv_json(ws, timeout=15)
                seen(msg, "reload after a good edit")
                eq((msg["ok"], msg["changed"]), (True, ["themes/light.lua"]), "good reload")
                with open(theme, "w", encoding="utf-8") as f:
                    f.write("return {")
                msg = await recv_json(ws, timeout=15)
                seen(msg, "reload after a broken edit")
                eq(msg["ok"], False, "broken reload")
                with open(theme, "w", encoding="utf-8") as f:
                    f.write(text)
                msg = await recv_json(ws, timeout=15)
                seen(msg, "reload after the fix")
                eq(msg["ok"], True, "reload after the fix")

            # HTTP: the JSON bodies are the same messages.
            status, _, body = http(s.base + "/v1/charts", {"spec": BAR_SPEC}, {"Accept": "application/json"})
            eq(status, 200, f"POST /v1/charts status ({body[:300]!r})")
            seen(json.loads(body), "POST /v1/charts (JSON)")
            status, _, body = http(s.base + "/v1/charts", {"spec": bad})
            eq(status, 422, "POST /v1/charts unknown field status")
            seen(json.loads(body), "POST /v1/charts error")
    finally:
        shutil.rmtree(home, ignore_errors=True)

    for t in ("hello", "progress", "chart", "error", "pong", "subscribed", "reload"):
        check(SEEN.get(t), f"no {t} message was seen")
    stages = {m["stage"] for m in SEEN["progress"]}
    check({"initialization", "data_processing", "rendering", "encoding", "completion"} <= stages, f"stages {stages}")
    print(f"validated {sum(len(v) for v in SEEN.values())} server messages: "
          + ", ".join(f"{k} {len(v)}" for k, v in sorted(SEEN.items())))


if __name__ == "__main__":
    run(main)
