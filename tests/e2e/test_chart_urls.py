"""Chart URLs against the real server: GET /v1/charts?spec=… answers the bytes POST does, with a
strong ETag (304 on If-None-Match), Cache-Control and Content-Disposition; the render cache
answers GET, POST and WebSocket spec requests byte for byte; CORS preflights; with API keys,
a key or a signature (from `chartd sign`, and one computed here by the documented rule) is
needed, and each refusal names the check that failed; X-Request-Id in and out, access log."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, BIN, Server, check, connect, eq, http, png_size, recv_json, run, until_final  # noqa: E402

ORIGIN = "https://app.example.com"


def url_json(spec):
    return urllib.parse.quote(json.dumps(spec), safe="")


def url_b64(spec):
    return base64.urlsafe_b64encode(json.dumps(spec, separators=(",", ":")).encode()).decode().rstrip("=")


def get(s, query, headers=None):
    return http(f"{s.base}/v1/charts?{query}", headers=headers)


def post(s, body, headers=None):
    return http(s.base + "/v1/charts", body=body, headers=dict({"Content-Type": "application/json"}, **(headers or {})))


def refused(answer, status, code, path=None, says=None):
    got, headers, body = answer
    eq(got, status, f"status of a refusal ({says})")
    msg = json.loads(body)
    eq(msg["code"], code, "refusal code")
    eq(msg.get("path"), path, f"refusal path: {msg}")
    if says:
        check(says in msg["message"], f"{says!r} not in {msg['message']!r}")
    eq(headers["cache-control"], "no-store", "a refusal is not cached")
    return msg


def sign_cli(env, *args):
    full = dict(os.environ, **env)
    out = subprocess.run([BIN, "sign", *args], capture_output=True, text=True, env=full, cwd=os.path.dirname(BIN))
    eq(out.returncode, 0, f"chartd sign {args}: {out.stderr}")
    return out.stdout.strip()


def hmac_sign(query_pairs, key):
    """The documented rule, computed here: sorted name=value pairs (RFC 3986 encoding, upper hex)."""
    enc = lambda s: urllib.parse.quote(s, safe="-._~")  # noqa: E731
    canonical = "/v1/charts?" + "&".join(f"{enc(n)}={enc(v)}" for n, v in sorted(query_pairs))
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


async def open_server():
    small = dict(BAR_SPEC, width=320, height=200)
    with Server(env={"CHARTD_CORS_ORIGINS": ORIGIN, "CHARTD_CACHE_MAX_AGE": "600"}) as s, \
            Server(env={"CHARTD_CACHE_MB": "0"}, workers=1) as fresh:
        # GET answers the image as POST does; the same bytes for every format, fresh renders both
        for fmt in ("png", "svg", "pdf"):
            status, gh, got = get(fresh, f"spec={url_json(small)}&format={fmt}")
            eq(status, 200, f"GET {fmt}")
            pstatus, ph, posted = post(fresh, {"spec": small, "format": fmt})
            eq(pstatus, 200, f"POST {fmt}")
            eq(got, posted, f"GET == POST bytes ({fmt})")
            eq(gh["etag"], ph["etag"], f"GET and POST of one chart share the ETag ({fmt})")
            eq(gh["content-type"], ph["content-type"], "content type")
        check(fresh.metrics()["chartd_cache_hits_total"] == 0, "CHARTD_CACHE_MB=0: no cache")

        # headers of a chart URL
        status, h, png = get(s, f"spec={url_json(small)}", {"X-Request-Id": "embed-42"})
        eq((status, png_size(png)), (200, (320, 200)), "GET PNG")
        etag = h["etag"]
        check(etag.startswith('"') and etag.endswith('"') and len(etag) == 42, f"a strong ETag: {etag}")
        eq(h["cache-control"], "public, max-age=600", "Cache-Control (CHARTD_CACHE_MAX_AGE)")
        eq(h["content-disposition"], f'inline; filename="bar-{etag[1:9]}.png"', "Content-Disposition")
        eq(h["x-request-id"], "embed-42", "X-Request-Id comes back")
        check("access-control-allow-origin" not in h, "no CORS header without an Origin")
        # the same chart written otherwise (keys reordered, base64url, overrides as parameters): one ETag
        reordered = json.loads(json.dumps(small), object_pairs_hook=lambda kv: dict(reversed(kv)))
        eq(get(s, f"spec={url_json(reordered)}")[1]["etag"], etag, "key order does not change the ETag")
        eq(get(s, f"spec={url_b64(small)}")[1]["etag"], etag, "base64url: the same ETag")
        eq(get(s, f"spec={url_b64(BAR_SPEC)}&width=320&height=200.0")[1]["etag"], etag, "overrides as parameters")
        other = get(s, f"spec={url_b64(small)}&theme=dark")[1]["etag"]
        check(other != etag, "another theme, another ETag")

        # 304 for If-None-Match naming the tag (in a list, weak, or *), 200 otherwise
        for inm in (etag, f'"nope", {etag}', "W/" + etag, "*"):
            status, h304, body = get(s, f"spec={url_b64(small)}", {"If-None-Match": inm})
            eq((status, body), (304, b""), f"304 for If-None-Match: {inm}")
            eq(h304["etag"], etag, "a 304 names the ETag")
            eq(h304["cache-control"], "public, max-age=600", "a 304 renews the freshness")
        eq(get(s, f"spec={url_b64(small)}", {"If-None-Match": '"other"'})[0], 200, "no match: 200")

        # the render cache: a hit is byte-identical to a fresh render, from GET, POST and WebSocket
        before = s.metrics()
        status, _, again = get(s, f"spec={url_json(small)}")
        eq(again, png, "a cache hit is byte-identical")
        eq(again, get(fresh, f"spec={url_json(small)}")[2], "cached bytes == a fresh render on a cache-less server")
        status, h, body = post(s, {"spec": small, "id": "p1"}, {"Accept": "application/json"})
        msg = json.loads(body)
        eq((msg["cached"], base64.b64decode(msg["data"])), (True, png), "POST JSON from the cache")
        eq(h["cache-control"], "no-store", "a JSON answer carries timings: not cached by HTTP")
        check("etag" not in h, "no ETag on a JSON answer")
        async with connect(s) as ws:
            eq((await recv_json(ws))["type"], "hello", "hello")
            await ws.send(json.dumps({"type": "chart.request", "id": "w1", "spec": small}))
            progress, chart = await until_final(ws, "w1")
            eq((chart["type"], chart.get("cached")), ("chart", True), "WebSocket spec request from the cache")
            eq(base64.b64decode(chart["data"]), png, "WebSocket bytes == GET bytes")
            eq(progress[-1]["progress"], 100, "progress still ends at 100")
            await ws.send(json.dumps({"type": "chart.request", "id": "w2", "prompt": "bar chart of revenue by month",
                                      "data": BAR_SPEC["data"]}))
            _, planned = await until_final(ws, "w2")
            check("cached" not in planned, "a prompt is planned, never answered from the cache")
        after = s.metrics()
        eq(after["chartd_cache_hits_total"] - before["chartd_cache_hits_total"], 3, "three hits")
        check(after["chartd_cache_entries"] >= 2 and after["chartd_cache_bytes"] > len(png), "entries and bytes")

        # CORS: a preflight from an allowed origin, a refused one, and the answer's headers
        status, h, _ = http(s.base + "/v1/charts", method="OPTIONS", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        eq(status, 204, "preflight")
        eq(h["access-control-allow-origin"], ORIGIN, "allowed origin")
        check("POST" in h["access-control-allow-methods"] and "content-type" in h["access-control-allow-headers"].lower(),
              f"preflight headers {h}")
        eq(h["vary"], "Origin", "Vary: Origin")
        refused(http(s.base + "/v1/charts", method="OPTIONS", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}), 403, "unauthorized",
            says="CHARTD_CORS_ORIGINS")
        refused(http(fresh.base + "/v1/charts", method="OPTIONS", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST"}), 403, "unauthorized", says="not set")
        status, h, _ = post(s, {"spec": small}, {"Origin": ORIGIN})
        eq((status, h["access-control-allow-origin"]), (200, ORIGIN), "a POST's answer names the origin")
        check("ETag" in h["access-control-expose-headers"], "ETag exposed to scripts")
        check("access-control-allow-origin" not in post(s, {"spec": small}, {"Origin": "https://evil.example"})[1],
              "no CORS header for another origin")

        # errors name the parameter
        refused(get(s, "format=png"), 400, "invalid_request", "spec", "missing")
        refused(get(s, f"spec={url_b64(small)}&colour=red"), 400, "invalid_request", "colour", "unknown parameter")
        refused(get(s, f"spec={url_b64(small)}&spec={url_b64(small)}"), 400, "invalid_request", "spec", "more than once")
        eq(get(s, "spec=%%%")[0], 400, "a bad % escape: 400 at the front door")
        refused(get(s, "spec=!!notbase64"), 400, "invalid_request", "spec", "base64url")
        refused(get(s, "spec=" + urllib.parse.quote('{"type": "bar",')), 400, "invalid_json", "spec", "line 1")
        refused(get(s, f"spec={url_b64(small)}&width=wide"), 400, "invalid_request", "width", "not a number")
        refused(get(s, f"spec={url_b64(dict(small, type='bars'))}"), 422, "unknown_chart_type", "type", 'did you mean "bar"')

        # the access log: one line per request, with the request id, never the query
        time.sleep(0.2)
        lines = [e for e in s.log_events() if e["event"] == "http_access"]
        mine = [e for e in lines if e["request_id"] == "embed-42"]
        eq(len(mine), 1, "one access line for the request")
        eq((mine[0]["method"], mine[0]["path"], mine[0]["status"], mine[0]["bytes"]), ("GET", "/v1/charts", 200, len(png)),
           "access line")
        check(all("spec" not in e["path"] for e in lines), "queries stay out of the log")
        check(any(e["event"] == "request_done" and e["id"] == "embed-42" for e in s.log_events()),
              "the worker's line carries the request id")


async def keyed_server():
    small = dict(BAR_SPEC, width=200, height=120)
    spec_file = os.path.join(tempfile.mkdtemp(prefix="chartd-sign-"), "bar.json")
    with open(spec_file, "w") as f:
        json.dump(small, f, indent=2)
    with Server(env={"CHARTD_API_KEYS": "k1,k2"}) as s:
        port_env = {"CHARTD_API_KEYS": "k1", "WEBSOCKET_PORT": str(s.port)}
        url = sign_cli(port_env, spec_file, "--format", "svg", "--base", s.base)
        check(url.startswith(s.base + "/v1/charts?") and "&sig=" in url, f"chartd sign prints a URL: {url[:80]}")
        status, h, svg = http(url)
        eq((status, h["content-type"]), (200, "image/svg+xml"), "a signed URL is served without a key")
        eq(h["cache-control"], "public, max-age=86400", "a signed image may be cached by anyone")
        query = url.split("?", 1)[1]
        # a key instead of a signature: the image is private to who holds it
        unsigned = query.split("&sig=")[0]
        status, h, body = get(s, unsigned, {"Authorization": "Bearer k2"})
        eq((status, body), (200, svg), "a key serves the same image")
        eq(h["cache-control"], "private, max-age=86400", "keyed: private")
        eq(get(s, unsigned + "&token=k1")[0], 200, "token=")
        # the key after a spec longer than lws's argument buffer (1 KiB) is still found
        rows = [{"month": f"M{i}", "revenue": i} for i in range(40)]
        long_spec = urllib.parse.quote(json.dumps(dict(small, data={"values": rows})))
        eq(2048 < len(long_spec) < 7000, True, f"a spec of 2 to 7 KiB in the URL ({len(long_spec)})")
        eq(get(s, "spec=" + long_spec + "&token=k1")[0], 200, "token= after a long spec")
        # chartd sign and the server agree on the longest chart URL: the longest one sign prints
        # is served, and a spec one character longer is refused by sign (exit 1, saying why)
        def sign_padded(n):  # the bar spec with an n-character note in its first row
            rows = [dict(BAR_SPEC["data"]["values"][0], note="x" * n)] + BAR_SPEC["data"]["values"][1:]
            path = os.path.join(os.path.dirname(spec_file), "padded.json")
            with open(path, "w") as f:
                json.dump(dict(small, data={"values": rows}), f)
            return subprocess.run([BIN, "sign", path, "--base", s.base], capture_output=True, text=True,
                                  env=dict(os.environ, **port_env), cwd=os.path.dirname(BIN))
        lo, hi = 0, 8000
        eq((sign_padded(lo).returncode, sign_padded(hi).returncode), (0, 1), "sign: a short spec signs, a long one not")
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if sign_padded(mid).returncode == 0 else (lo, mid)
        longest = sign_padded(lo).stdout.strip()
        eq(http(longest)[0], 200, f"the longest URL chartd sign prints ({len(longest)} characters) is served")
        over = sign_padded(hi)
        check("over the 8 KiB a request line may have" in over.stderr, f"sign says why: {over.stderr}")

        refused(get(s, unsigned), 401, "unauthorized", None, "needs a key")
        refused(get(s, unsigned + "&token=nope"), 401, "unauthorized", "token", "not valid")
        refused(get(s, query.replace("format=svg", "format=png")), 401, "unauthorized", "sig", "does not match")
        other = sign_cli({"CHARTD_API_KEYS": "other", "WEBSOCKET_PORT": str(s.port)}, spec_file, "--base", s.base)
        refused(http(other), 401, "unauthorized", "sig", "another key")
        refused(post(s, {"spec": small}), 401, "unauthorized")  # POST still needs a key

        # the documented rule, computed here, with an expiry: accepted, then refused once past it
        pairs = [("spec", url_b64(small)), ("format", "png"), ("exp", str(int(time.time()) + 60))]
        sig = hmac_sign(pairs, "k2")
        good = urllib.parse.urlencode(pairs + [("sig", sig)])
        status, h, png = get(s, good)
        eq((status, png_size(png)), (200, (200, 120)), "a signature made by the documented rule")
        past = [("spec", url_b64(small)), ("exp", str(int(time.time()) - 5))]
        msg = refused(get(s, urllib.parse.urlencode(past + [("sig", hmac_sign(past, "k1"))])), 401, "unauthorized",
                      "exp", "expired at")
        check(msg["message"].endswith("Z (exp)"), msg["message"])
        moved = [("spec", url_b64(small)), ("format", "png"), ("exp", str(int(time.time()) + 3600))]
        refused(get(s, urllib.parse.urlencode(moved + [("sig", sig)])), 401, "unauthorized", "sig", "does not match")
        refused(get(s, urllib.parse.urlencode([("spec", url_b64(small)), ("exp", "soon"), ("sig", sig)])), 401,
                "unauthorized", "exp", "whole seconds")
        # chartd sign --expires: exp is now + the lifetime, under the signature
        short = sign_cli(port_env, spec_file, "--expires", "600", "--base", s.base)
        exp = int(urllib.parse.parse_qs(short.split("?", 1)[1])["exp"][0])
        check(abs(exp - (time.time() + 600)) < 5, f"exp {exp}")
        eq(http(short)[0], 200, "within its lifetime")
        refused(http(short.replace(f"exp={exp}", f"exp={exp + 1000}")), 401, "unauthorized", "sig", "does not match")
        # the default base is this machine on the configured port
        check(sign_cli(port_env, spec_file).startswith(f"http://localhost:{s.port}/v1/charts?"), "default base")


async def main():
    await open_server()
    await keyed_server()


run(main)
