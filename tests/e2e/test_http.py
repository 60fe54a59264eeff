"""The HTTP side of the same port: health, readiness, lists, POST /v1/charts as image bytes
or JSON, and errors as JSON with a fitting status."""
import base64
import http.client as httpclient
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, ROOT, Server, check, eq, http, png_size, run  # noqa: E402


def post(s, body, headers=None):
    return http(s.base + "/v1/charts", body=body, headers=dict({"Content-Type": "application/json"}, **(headers or {})))


def error(status_body, status, code):
    got_status, headers, body = status_body
    eq(got_status, status, f"status for {code}")
    eq(headers["content-type"], "application/json", "error content type")
    msg = json.loads(body)
    eq((msg["type"], msg["code"]), ("error", code), "error body")
    return msg


async def main():
    with Server(workers=2) as s:
        eq(http(s.base + "/healthz")[::2], (200, b'{"status":"ok"}'), "healthz")
        eq(http(s.base + "/readyz")[::2], (200, b'{"ready":true}'), "readyz")
        status, headers, body = http(s.base + "/v1/chart-types")
        eq(status, 200, "chart-types")
        types = json.loads(body)["chart_types"]
        check({"bar", "line", "pie", "scatter"} <= set(types), types)
        status, _, body = http(s.base + "/v1/themes")
        check({"light", "dark"} <= set(json.loads(body)["themes"]), body)

        status, headers, body = post(s, {"spec": BAR_SPEC, "width": 320, "height": 200})
        eq((status, headers["content-type"]), (200, "image/png"), "POST → PNG")
        eq(int(headers["content-length"]), len(body), "content-length")
        eq(png_size(body), (320, 200), "PNG size")

        status, headers, body = post(s, {"spec": BAR_SPEC, "id": "h1"}, {"Accept": "application/json"})
        eq((status, headers["content-type"]), (200, "application/json"), "POST → JSON")
        msg = json.loads(body)
        eq((msg["type"], msg["id"], msg["mime"]), ("chart", "h1", "image/png"), "JSON chart")
        eq(png_size(base64.b64decode(msg["data"])), (800, 600), "default size")

        status, headers, body = post(s, {"spec": BAR_SPEC, "format": "svg"})
        eq((status, headers["content-type"]), (200, "image/svg+xml"), "POST → SVG")
        check(b"<svg" in body, "SVG body")

        error(post(s, b'{"spec":'), 400, "invalid_json")
        error(post(s, {"spec": BAR_SPEC, "colour": "red"}), 400, "invalid_request")
        error(post(s, {"type": "chart.cancel"}), 400, "invalid_request")
        error(post(s, {"spec": dict(BAR_SPEC, type="bars")}), 422, "unknown_chart_type")
        error(post(s, {"spec": BAR_SPEC, "theme": "neon"}), 422, "unknown_theme")
        error(post(s, {"prompt": 5}), 400, "invalid_request")
        eq(error(http(s.base + "/v1/charts"), 400, "invalid_request")["path"], "spec", "a chart URL without its spec")
        error(http(s.base + "/v1/nothing"), 404, "invalid_request")

        # static files from web/ (the playground): served byte for byte when present
        index = os.path.join(os.environ.get("CHARTD_TEST_HOME", ROOT), "web", "index.html")
        if os.path.exists(index):
            status, headers, body = http(s.base + "/")
            eq(status, 200, "GET /")
            eq(body, open(index, "rb").read(), "GET / is web/index.html")
            check(headers["content-type"].startswith("text/html"), headers["content-type"])
        eq(http(s.base + "/no-such-file.js")[0], 404, "missing static file")

        # keep-alive: several requests on one connection
        conn = httpclient.HTTPConnection("127.0.0.1", s.port, timeout=10)
        for i in range(3):
            conn.request("POST", "/v1/charts", json.dumps({"spec": BAR_SPEC, "width": 200 + i, "height": 100}),
                         {"Content-Type": "application/json"})
            r = conn.getresponse()
            eq((r.status, png_size(r.read())), (200, (200 + i, 100)), f"keep-alive request {i}")
        conn.close()

        s.wait_metric('chartd_requests_total{outcome="ok",chart_type="bar"}', 6)
        # what every Prometheus client exports about the process, and the build
        m = s.metrics()
        check(m["process_resident_memory_bytes"] > 1e6 and m["process_virtual_memory_bytes"] > m["process_resident_memory_bytes"],
              "process memory")
        check(0 < m["process_open_fds"] < m["process_max_fds"], "process fds")
        check(abs(m["process_start_time_seconds"] - time.time()) < 3600 and m["process_cpu_seconds_total"] > 0, "process times")
        build = [k for k in m if k.startswith("chartd_build_info{")]
        eq(len(build), 1, "one build_info series")
        check('version="0.1.0"' in build[0] and 'commit="' in build[0], build[0])


run(main)
