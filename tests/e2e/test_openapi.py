"""docs/openapi.json against the real server: the document is well formed (OpenAPI 3.1, every $ref
resolves, the routes in src/http_routes.c are its paths), and every answer of a session that
reaches each operation's documented statuses (200, 204, 304, 400, 401, 403, 414, 422) has a
documented status, content type and required headers (matching their patterns), and a JSON body
that validates against the documented schema. Every method the server answers on each path (GET,
HEAD, POST, OPTIONS: anything but 404/405) is a documented operation, HEAD being GET without its
body (the same status and headers)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, BIN, ROOT, Server, check, eq, http, run  # noqa: E402

DOCS = os.path.join(ROOT, "docs")
with open(os.path.join(DOCS, "openapi.json"), encoding="utf-8") as f:
    API = json.load(f)
FILES = {}


def resolve(node, base=DOCS, doc=API):
    """Follows $ref (inside the document, or to a file relative to it) until a node without one."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref.startswith("#/"):
            node = doc
            for part in ref[2:].split("/"):
                node = node[part]
        else:
            path = os.path.normpath(os.path.join(base, ref))
            if path not in FILES:
                with open(path, encoding="utf-8") as f:
                    FILES[path] = json.load(f)
            return FILES[path]  # a JSON Schema file: its own $refs are its validator's business
    return node


def all_refs(node, out):
    if isinstance(node, dict):
        if "$ref" in node:
            out.append(node)
        for v in node.values():
            all_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            all_refs(v, out)
    return out


def static_checks():
    check(API["openapi"].startswith("3.1."), "OpenAPI 3.1")
    for ref in all_refs(API, []):
        target = resolve(ref)
        check(isinstance(target, dict), f"$ref {ref['$ref']} resolves")
        if not ref["$ref"].startswith("#"):
            jsonschema.Draft202012Validator.check_schema(target)
    with open(os.path.join(ROOT, "src", "http_routes.c"), encoding="utf-8") as f:
        routes = set(re.findall(r'strcmp\(uri, "(/[a-z0-9/-]+)"\) == 0', f.read()))
    eq(sorted(routes), sorted(API["paths"]), "the server's routes are the document's paths")


SEEN = {}


def answer(op_path, method, status, headers, body):
    """Checks one answer against the document; returns the JSON body (or None)."""
    op = API["paths"][op_path][method]
    where = f"{method.upper()} {op_path} → {status}"
    check(str(status) in op["responses"], f"{where}: not a documented status ({sorted(op['responses'])})")
    resp = resolve(op["responses"][str(status)])
    for name, h in resp.get("headers", {}).items():
        h = resolve(h)
        value = headers.get(name.lower())
        if h.get("required"):
            check(value is not None, f"{where}: header {name} missing ({sorted(headers)})")
        if value is not None and "pattern" in h.get("schema", {}):
            check(re.search(h["schema"]["pattern"], value), f"{where}: {name}: {value!r} !~ {h['schema']['pattern']}")
    content = resp.get("content")
    SEEN.setdefault((op_path, method), set()).add(status)
    if not content:
        eq(body, b"", f"{where}: no body documented")
        return None
    ctype = headers.get("content-type", "")
    check(ctype in content, f"{where}: content type {ctype!r} not in {sorted(content)}")
    schema = resolve(content[ctype]["schema"])
    if ctype == "application/json":
        msg = json.loads(body)
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(msg))
        check(not errors, f"{where}: {errors[0].message if errors else ''} in {body[:200]!r}")
        return msg
    if ctype.startswith("text/plain"):
        body.decode("utf-8")
    return None


def b64(spec):
    import base64
    return base64.urlsafe_b64encode(json.dumps(spec).encode()).decode().rstrip("=")


async def main():
    static_checks()
    key = "openapi-key"
    origin = "https://app.example.com"
    with Server(env={"CHARTD_API_KEYS": key, "CHARTD_CORS_ORIGINS": origin}) as s:
        auth = {"Authorization": f"Bearer {key}"}

        def call(path, method="GET", query=None, body=None, headers=None, op=None):
            url = s.base + path + (f"?{query}" if query else "")
            data = json.dumps(body).encode() if isinstance(body, dict) else body
            hdrs = dict(headers or {})
            if data is not None:
                hdrs.setdefault("Content-Type", "application/json")
            status, h, raw = http(url, body=data, headers=hdrs, method=method)
            return status, h, raw, answer(op or path, method.lower(), status, h, raw)

        call("/healthz")
        call("/readyz")
        call("/metrics", headers=auth)
        call("/metrics")  # 401
        call("/v1/chart-types", headers=auth)
        call("/v1/themes", headers=auth)
        call("/v1/themes")  # 401

        spec = dict(BAR_SPEC, width=240, height=160)
        status, h, _, _ = call("/v1/charts", query=f"spec={b64(spec)}", headers=auth)
        eq(status, 200, "GET a chart with a key")
        call("/v1/charts", query=f"spec={b64(spec)}&format=svg", headers=auth)
        call("/v1/charts", query=f"spec={b64(spec)}&format=pdf", headers=auth)
        call("/v1/charts", query=f"spec={b64(spec)}", headers=dict(auth, **{"If-None-Match": h["etag"]}))  # 304
        call("/v1/charts", query=f"spec={b64(spec)}")  # 401: no key, no signature
        signed = subprocess.run([BIN, "sign", "-", "--base", s.base], input=json.dumps(spec), capture_output=True,
                                text=True, env=dict(os.environ, CHARTD_API_KEYS=key), cwd=tempfile.mkdtemp())
        eq(signed.returncode, 0, signed.stderr)
        call("/v1/charts", query=urllib.parse.urlsplit(signed.stdout.strip()).query)  # 200, signed
        _, _, _, signed_url = call("/v1/sign", query=f"spec={b64(spec)}&format=svg&token={key}")
        eq(signed_url["signed"], True, "/v1/sign signs behind API keys")
        check("token=" not in signed_url["url"], "the caller's key is not in the signed URL")
        status, h, _, _ = call("/v1/charts", query=signed_url["url"].split("?", 1)[1])
        eq((status, h["content-type"]), (200, "image/svg+xml"), "the URL /v1/sign answered draws without a key")
        call("/v1/sign", query="format=png", headers=auth)  # 400: no spec
        call("/v1/sign", query=f"spec={b64(spec)}")  # 401
        call("/v1/charts", query="format=png", headers=auth)  # 400: no spec
        call("/v1/charts", query=f"spec={b64(dict(spec, type='bars'))}", headers=auth)  # 422

        status, _, _, msg = call("/v1/charts", "POST", body={"spec": spec, "id": "o1"},
                                 headers=dict(auth, Accept="application/json"))
        eq((status, msg["type"]), (200, "chart"), "POST JSON")
        call("/v1/charts", "POST", body={"spec": spec, "format": "svg"}, headers=auth)
        call("/v1/charts", "POST", body=b'{"spec": ', headers=auth)  # 400
        call("/v1/charts", "POST", body={"spec": dict(spec, encoding={"x": {"field": "nope"}})}, headers=auth)  # 422
        call("/v1/charts", "POST", body={"spec": spec})  # 401
        call("/v1/charts", "OPTIONS", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})  # 204
        call("/v1/charts", "OPTIONS", headers={"Origin": "https://other.example", "Access-Control-Request-Method": "POST"})
        for path in ("/v1/sign", "/v1/themes", "/v1/chart-types"):  # fetch() with a key from another origin
            call(path, "OPTIONS", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
        too_long = "spec=" + "e30" * 3000  # a request line over 8 KiB
        for path in ("/v1/charts", "/v1/sign"):
            eq(call(path, query=too_long, headers=auth)[0], 414, f"{path}: a URL over 8 KiB")

        # What the server answers, path by path and method by method, is what the document has.
        probe = {"GET": {}, "POST": {"spec": spec}, "OPTIONS": {"Origin": origin}}
        for path in API["paths"]:
            for method in ("GET", "HEAD", "POST", "OPTIONS"):
                hdrs = dict(auth, **({"Origin": origin, "Access-Control-Request-Method": "POST"}
                                     if method == "OPTIONS" else {}))
                query = f"spec={b64(spec)}" if path in ("/v1/charts", "/v1/sign") and method != "POST" else ""
                status, h, raw = http(s.base + path + (f"?{query}" if query else ""), method=method, headers=hdrs,
                                      body=json.dumps(probe["POST"]).encode() if method == "POST" else None)
                if status in (404, 405):
                    check(method.lower() not in API["paths"][path], f"{method} {path} documented, answered {status}")
                    continue
                if method == "HEAD":
                    g_status, g_h, _ = http(s.base + path + (f"?{query}" if query else ""), headers=hdrs)
                    eq((status, raw), (g_status, b""), f"HEAD {path}: GET's status, no body")
                    same = ("content-type", "etag", "cache-control", "content-disposition")
                    eq({k: h.get(k) for k in same}, {k: g_h.get(k) for k in same}, f"HEAD {path}: GET's headers")
                    continue
                check(method.lower() in API["paths"][path], f"{method} {path} answers {status} but is not documented")

    eq(SEEN[("/v1/charts", "get")], {200, 304, 400, 401, 414, 422}, "GET /v1/charts statuses reached")
    eq(SEEN[("/v1/charts", "post")], {200, 400, 401, 422}, "POST /v1/charts statuses reached")
    eq(SEEN[("/v1/charts", "options")], {204, 403}, "preflight statuses reached")
    missing = [(p, m) for p, ops in API["paths"].items() for m in ops if (p, m) not in SEEN]
    eq(missing, [], "every documented operation was called")


run(main)
