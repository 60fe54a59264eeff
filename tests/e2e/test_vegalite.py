"""Vega-Lite through the real server: a spec with data.url is read from CHARTD_DATA_DIR inside the
worker sandbox; names that leave the folder (.., absolute, a symlink out, a network address) are
refused with invalid_data naming data.url; warnings come back in the chart reply; a bad
CHARTD_DATA_DIR stops start-up with one line."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, Server, check, eq, http  # noqa: E402


def vl(url, **extra):
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"url": url}, "mark": "bar",
            "encoding": {"x": {"field": "fruit"}, "y": {"field": "n", "type": "quantitative", "aggregate": "sum"}}}
    spec.update(extra)
    return spec


def post(server, spec):
    status, _, body = http(server.base + "/v1/charts", {"spec": spec, "format": "svg"},
                           headers={"Accept": "application/json", "Content-Type": "application/json"})
    return status, json.loads(body)


def main():
    data_dir = tempfile.mkdtemp(prefix="chartd-data-")
    outside = tempfile.mkdtemp(prefix="chartd-outside-")
    with open(os.path.join(data_dir, "fruit.csv"), "w") as f:
        f.write("fruit,n\napple,3\npear,5\napple,4\n")
    with open(os.path.join(outside, "secret.csv"), "w") as f:
        f.write("fruit,n\nTOPSECRET_ROW,1\n")
    os.symlink(os.path.join(outside, "secret.csv"), os.path.join(data_dir, "link.csv"))

    server = Server(env={"CHARTD_DATA_DIR": data_dir})
    try:
        status, reply = post(server, vl("fruit.csv", config={"axis": {"domainColor": "red"}}))
        eq(status, 200, f"data.url chart ({reply})")
        eq(reply["data_summary"]["rows"], [["apple", 7], ["pear", 5]], "rows read from the data folder")
        check(any(w.startswith("config.axis.domainColor") for w in reply.get("warnings", [])), f"warnings {reply.get('warnings')}")

        rel = os.path.relpath(os.path.join(outside, "secret.csv"), data_dir)
        for url in [rel, os.path.join(outside, "secret.csv"), "link.csv", "https://example.com/x.csv",
                    "file:///etc/passwd", "missing.csv"]:
            status, reply = post(server, vl(url))
            eq(status, 422, f"{url} refused ({reply})")
            eq(reply.get("code"), "invalid_data", f"{url} code")
            check(reply.get("message", "").startswith("data.url:"), f"{url} message names data.url: {reply}")
            check("TOPSECRET" not in json.dumps(reply), f"{url}: nothing of the file outside leaks")
    finally:
        server.stop()

    # Without CHARTD_DATA_DIR a data.url says what to set.
    server = Server()
    try:
        status, reply = post(server, vl("fruit.csv"))
        eq(status, 422, "no data folder")
        check("CHARTD_DATA_DIR" in reply.get("message", ""), f"message names CHARTD_DATA_DIR: {reply}")
    finally:
        server.stop()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "PORT"))}
    env.update({"CHARTD_HOME": ROOT, "CHARTD_DATA_DIR": os.path.join(data_dir, "nope")})
    p = subprocess.run([BIN, "check"], env=env, cwd=tempfile.mkdtemp(), capture_output=True, text=True, timeout=60)
    eq(p.returncode, 2, "bad CHARTD_DATA_DIR exit code")
    eq(p.stderr.strip(), f"chartd: CHARTD_DATA_DIR={os.path.join(data_dir, 'nope')} is not allowed; "
       "allowed an existing folder", "bad CHARTD_DATA_DIR line")
    print("ok")


if __name__ == "__main__":
    main()
