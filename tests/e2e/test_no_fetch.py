"""Nothing in a request makes chartd open a URL or a file: specs whose theme, data and
field names point at a loopback listener or at files outside the allow-listed folders get a
clear error, and the listener (opened here) never sees a connection."""
import json
import os
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BAR_SPEC, ROOT, Server, eq, http, run  # noqa: E402


def post(s, spec):
    status, _, body = http(s.base + "/v1/charts", body={"type": "chart.request", "id": "nf", "spec": spec},
                           headers={"Content-Type": "application/json"})
    return status, (json.loads(body) if status != 200 else body)


def with_(**changes):
    spec = json.loads(json.dumps(BAR_SPEC))
    spec.update(changes)
    return spec


async def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    try:
        with Server(workers=1) as s:
            cases = [
                ("theme ../", with_(theme="../../../etc/passwd"), "unknown_theme", "theme"),
                ("theme absolute", with_(theme="/etc/passwd"), "unknown_theme", "theme"),
                ("theme light/../dark", with_(theme="light/../dark"), "unknown_theme", "theme"),
                ("theme URL", with_(theme=url), "unknown_theme", "theme"),
                ("data.url", with_(data={"url": url}), "invalid_data", "data"),
                ("data as a URL string", with_(data=url), "invalid_data", "data"),
                ("data file:// string", with_(data="file:///etc/passwd"), "invalid_data", "data"),
                ("font in the spec", with_(font={"family": url}), "invalid_spec", "font"),
                ("field named file://", with_(encoding={"x": {"field": "file:///etc/passwd"},
                                                        "y": {"field": "revenue"}}),
                 "unknown_field", "encoding.x.field"),
                ("field named a URL", with_(encoding={"x": {"field": url}, "y": {"field": "revenue"}}),
                 "unknown_field", "encoding.x.field"),
            ]
            for what, spec, code, path in cases:
                status, err = post(s, spec)
                eq((status >= 400, err.get("code")), (True, code), what)
                paths = [e.get("path") for e in err.get("errors", [])] or [err.get("path")]
                eq(path in paths, True, f"{what}: error path {path} in {paths}")
                text = json.dumps(err)
                with open("/etc/hostname") as f:
                    secret = f.read().strip()
                eq("root:" in text or (secret and f"\"{secret}\"" in text), False, f"{what}: no file content")
            # nesting depth: the request object is level 1, so a spec of 63 levels is the most allowed
            for levels, status_want, code in ((63, 422, "invalid_spec"), (64, 400, "invalid_request")):
                status, err = post(s, json.loads('{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)))
                eq((status, err["code"]), (status_want, code), f"a spec nested {levels} levels")
            eq(err["message"], "the message nests objects/arrays deeper than the limit of 64 levels", "depth message")
            status, _ = post(s, BAR_SPEC)
            eq(status, 200, "a plain spec still renders")
        # A symlink in themes/ that leaves the folder is not a theme: the server starts (it is
        # not listed, so not loaded) and asking for it is unknown_theme.
        home = tempfile.mkdtemp(prefix="chartd-nofetch-")
        try:
            for d in ("lua", "prompts", "themes", "web"):
                shutil.copytree(os.path.join(ROOT, d), os.path.join(home, d), symlinks=True)
            os.symlink("/etc/hostname", os.path.join(home, "themes", "evil.lua"))
            with Server(workers=1, env={"CHARTD_HOME": home}) as s:
                status, err = post(s, with_(theme="evil"))
                eq((status, err.get("code")), (422, "unknown_theme"), "a theme symlink leaving themes/")
                status, _ = post(s, with_(theme="dark"))
                eq(status, 200, "the real themes still serve")
        finally:
            shutil.rmtree(home, ignore_errors=True)
        try:
            conn, _ = listener.accept()
            conn.close()
            raise AssertionError("chartd connected to the loopback listener")
        except BlockingIOError:
            pass  # zero connections, as wanted
    finally:
        listener.close()


run(main)
