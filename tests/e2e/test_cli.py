"""The command line composes: every command answers --help (exit 0); `render -` reads the spec
from stdin and `--data -` the data; `--json` writes the server's `chart` message; `plan` pipes
into `render -` (with data, and without: illustrative data); `ask` reads .env like `serve` and
plans with the LLM at LLM_BASE_URL/LLM_MODEL (a fake OpenAI server here); exit codes 1 and 2."""
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, check, eq, png_size, run  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402

CSV = "month,revenue\n2024-01,10\n2024-02,20\n2024-03,15\n"
PENGUINS = os.path.join(ROOT, "tests", "conversations", "data", "penguins.csv")


def chartd(args, stdin=None, env=None, cwd=None, binary=False):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "MAX_"))}
    full["CHARTD_HOME"] = ROOT
    full.update(env or {})
    p = subprocess.run([BIN] + args, input=stdin if binary or stdin is None else stdin.encode(), env=full,
                       cwd=cwd or tempfile.mkdtemp(), capture_output=True, timeout=120)
    return p.returncode, p.stdout if binary else p.stdout.decode(), p.stderr.decode()


async def main():
    tmp = tempfile.mkdtemp(prefix="chartd-cli-")
    spec_path = os.path.join(ROOT, "examples", "bar.json")
    with open(spec_path) as f:
        spec_text = f.read()

    for command in ("serve", "check", "sign", "render", "plan", "ask", "gallery"):
        rc, out, err = chartd([command, "--help"], env={"WEBSOCKET_PORT": "80"})  # help needs no valid config
        eq((rc, err), (0, ""), f"chartd {command} --help")
        check(out.startswith(f"usage: chartd {command}"), f"{command} --help: {out[:60]!r}")
    rc, out, _ = chartd(["--help"])
    check(rc == 0 and "Exit codes" in out and "sign" in out, "chartd --help lists the commands and exit codes")

    # render - (stdin) gives the bytes render FILE gives; --data - reads the data from stdin
    rc, from_file, err = chartd(["render", spec_path, "-o", "-"], binary=True)
    eq(rc, 0, f"render FILE ({err})")
    rc, from_stdin, err = chartd(["render", "-", "-o", "-"], stdin=spec_text.encode(), binary=True)
    eq((rc, from_stdin), (0, from_file), f"render - == render FILE ({err})")
    bare = json.dumps({"type": "line", "encoding": {"x": {"field": "month", "type": "temporal"},
                                                   "y": {"field": "revenue", "type": "quantitative"}}})
    bare_path = os.path.join(tmp, "line.json")
    with open(bare_path, "w") as f:
        f.write(bare)
    rc, png, err = chartd(["render", bare_path, "--data", "-", "--width", "320", "--height", "200", "-o", "-"],
                          stdin=CSV.encode(), binary=True)
    eq((rc, png_size(png) if rc == 0 else None), (0, (320, 200)), f"--data - ({err})")
    rc, _, err = chartd(["render", "-", "--data", "-", "-o", "x.png"], stdin="{}")
    eq((rc, err), (2, "chartd render: the spec and --data cannot both come from stdin\n"), "two stdins")

    # --json: the chart message, its image the bytes render writes
    rc, out, err = chartd(["render", spec_path, "--json"])
    eq(rc, 0, f"--json ({err})")
    msg = json.loads(out)
    eq((msg["type"], msg["format"], msg["mime"]), ("chart", "png", "image/png"), "--json message")
    eq(base64.b64decode(msg["data"]), from_file, "--json carries the same image")
    check(msg["alt"] and msg["data_summary"]["rows"], "alt and data summary")
    out_json = os.path.join(tmp, "bar.json")
    rc, _, err = chartd(["render", spec_path, "--json", "--format", "svg", "-o", out_json])
    with open(out_json) as f:
        eq((rc, json.load(f)["mime"]), (0, "image/svg+xml"), "--json -o FILE")

    # plan | render -: with data (the same file for both), and without (illustrative data, marked)
    plan = subprocess.run([BIN, "plan", "--data", PENGUINS, "average body mass by species"], capture_output=True,
                          text=True, cwd=tmp)
    eq(plan.returncode, 0, f"plan ({plan.stderr})")
    planned = json.loads(plan.stdout)
    check("data" not in planned and planned["encoding"]["y"]["aggregate"] == "mean", f"plan: {planned}")
    rc, out, err = chartd(["render", "-", "--data", PENGUINS, "--json"], stdin=plan.stdout)
    eq(rc, 0, f"plan | render - --data ({err})")
    rows = json.loads(out)["data_summary"]["rows"]
    eq(sorted(r[0] for r in rows), ["Adelie", "Chinstrap", "Gentoo"], "the planned chart drawn on the data")
    rc, out, err = chartd(["plan", "monthly revenue by region in 2024"])
    planned = json.loads(out)
    check(rc == 0 and "needs" in planned and isinstance(planned.get("seed"), int), f"plan without data: {planned}")
    rc, out, err = chartd(["render", "-", "--json"], stdin=out)
    eq(rc, 0, f"plan | render - without data ({err})")
    msg = json.loads(out)
    check(msg["synthetic"] is True and msg["seed"] == planned["seed"], "illustrative data, seeded by the plan")
    check(len(msg["spec"]["data"]["values"]) >= 12, "twelve months at least")
    rc2, out2, _ = chartd(["render", "-", "--json"], stdin=json.dumps(planned))
    eq(json.loads(out2)["data"], msg["data"], "the same plan draws the same image")

    # ask reads .env like serve: LLM_BASE_URL and LLM_MODEL reach the LLM
    fake = FakeOpenAI()
    answer = {"type": "bar", "title": "Revenue by month",
              "encoding": {"x": {"field": "month", "type": "nominal"}, "y": {"field": "revenue", "type": "quantitative"}}}
    fake.script([], default={"chat": {"content": answer}})
    cwd = tempfile.mkdtemp(prefix="chartd-cli-env-")
    with open(os.path.join(cwd, ".env"), "w") as f:
        f.write(f"OPENAI_API_KEY=sk-test-cli\nLLM_BASE_URL={fake.base_url}\nLLM_MODEL=local-model-7b\n")
    with open(os.path.join(cwd, "d.csv"), "w") as f:
        f.write(CSV)
    rc, out, err = chartd(["ask", "revenue per month", "--data", "d.csv", "-o", "chart.svg"], cwd=cwd)
    eq((rc, err), (0, ""), "ask with the LLM from .env")
    calls = [r for r in fake.requests() if r["path"].endswith("/chat/completions")]
    check(calls, "the LLM at LLM_BASE_URL was asked")
    eq(calls[0]["json"]["model"], "local-model-7b", "LLM_MODEL from .env")
    eq(calls[0]["headers"].get("authorization"), "Bearer sk-test-cli", "the key from .env")
    with open(os.path.join(cwd, "chart.svg")) as f:
        check("<svg" in f.read(), "ask wrote the chart")
    fake.close()

    # exit codes: 2 for usage and configuration, 1 for input the command cannot use
    eq(chartd(["render", spec_path])[0], 2, "render without -o")
    eq(chartd(["render", spec_path, "-o", "x.png"], env={"CHARTD_CACHE_MB": "lots"})[0], 2, "a bad setting")
    rc, _, err = chartd(["render", "-", "-o", "x.png"], stdin="{not json")
    eq(rc, 1, "a spec that is not JSON")
    check(err.startswith("chartd render: -: invalid JSON at line 1"), err)
    rc, _, err = chartd(["sign", spec_path])
    eq((rc, err.startswith("chartd sign: no signing key")), (2, True), f"sign without a key: {err}")
    # sign draws the chart before it signs: a URL that would answer an error is not handed out
    key = {"CHARTD_SIGNING_KEYS": "cli-key"}
    rc, out, err = chartd(["sign", spec_path, "--format", "svg"], env=key)
    eq((rc, err), (0, ""), "sign a spec that draws")
    check(out.startswith("http://localhost:8080/v1/charts?") and "&sig=" in out, out)
    with open(spec_path) as f:
        bar = json.load(f)
    refusals = [  # (arguments, stdin, what stderr names)
        (["-"], json.dumps(dict(bar, type="bars")), 'did you mean "bar"'),
        (["-"], json.dumps(dict(bar, encoding={"x": {"field": "nope"}, "y": {"field": "revenue"}})), 'no column "nope"'),
        ([spec_path, "--format", "gif"], None, "format"),
        ([spec_path, "--width", "-5"], None, "width"),
        (["spec=e30&colour=red"], None, "colour: unknown parameter"),
        # what `chartd plan` prints without data: `chartd render` draws it on illustrative data,
        # the server (and so a chart URL) does not
        (["-"], chartd(["plan", "monthly revenue by region in 2024"])[1], "data: no rows"),
    ]
    for argv, stdin, says in refusals:
        rc, out, err = chartd(["sign", *argv], stdin=stdin, env=key)
        eq((rc, out), (1, ""), f"sign {argv}: refused, nothing printed ({err})")
        check(err.startswith("chartd sign: ") and says in err and err.count("\n") == 1, f"sign {argv}: {err!r}")


run(main)
