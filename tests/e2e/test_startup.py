"""Start-up with scripts that do not load: `chartd serve` (with or without --dev) exits 1 at once
with one line naming the broken file, instead of listening without ever becoming ready; the
same tree, fixed, starts and serves a chart."""
import json
import os
import shutil
import subprocess
import tempfile
import time

from chartd_harness import BAR_SPEC, BIN, ROOT, Server, check, eq, free_port, http, run


def copy_home():
    home = tempfile.mkdtemp(prefix="chartd-e2e-home-")
    for d in ("lua", "themes", "prompts", "web"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(home, d), symlinks=True)
    return home


def start(home, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "MAX_", "PORT"))}
    env.update({"CHARTD_HOME": home, "WEBSOCKET_PORT": str(free_port()), "CHARTD_WORKERS": "2"})
    t0 = time.monotonic()
    proc = subprocess.run([BIN, "serve", *args], env=env, cwd=home, capture_output=True, text=True, timeout=90)
    return proc, time.monotonic() - t0


async def main():
    home = copy_home()
    try:
        broken = [
            ("themes/light.lua", "return {", "themes/light.lua:"),
            ("lua/charts/bar.lua", "local M = {\n", "charts/bar.lua:"),
        ]
        for rel, text, named in broken:
            path = os.path.join(home, rel)
            with open(path, encoding="utf-8") as f:
                good = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            for args in ((), ("--dev",)):
                proc, took = start(home, *args)
                eq(proc.returncode, 1, f"{rel} broken, serve {' '.join(args)}: exit status ({proc.stderr[-400:]})")
                last = proc.stderr.strip().splitlines()[-1]
                check(last.startswith(f"chartd: the scripts under {home} do not load: "), f"the error line: {last}")
                check(named in last, f"the error names {named}: {last}")
                check(took < 30, f"exited after {took:.1f}s")
            with open(path, "w", encoding="utf-8") as f:
                f.write(good)
        # fixed again: the same tree starts and answers
        with Server(env={"CHARTD_HOME": home}) as s:
            status, _, body = http(s.base + "/v1/charts", body=json.dumps({"spec": BAR_SPEC}).encode(),
                                   headers={"Content-Type": "application/json"})
            eq(status, 200, "a chart from the fixed tree")
            check(body[:4] == b"\x89PNG", "PNG bytes")
    finally:
        shutil.rmtree(home, ignore_errors=True)


run(main)
