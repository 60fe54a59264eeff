"""The README's promise: every shell example runs in a clean clone. Each ```sh block of README.md
runs with bash -eo pipefail in a copy of the files a clone holds (git ls-files: no build tree,
no .env, no ../shared) beside the built binary and node_modules, with `build/chartd serve`
running on a free port (the blocks' localhost:8080 is pointed at it). A block fails the test
on a non-zero exit, on output a terminal cannot read (over 60 lines, or a line over 160
characters: no base64 floods), or when it leaves files in the clone (examples write to a temp
folder). The blocks a clone cannot run here are skipped, each with its reason, by a
`<!-- readme-check: skip: … -->` line just before the block: the setup-and-build commands (CI
runs them on a clean machine) and the Docker build."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, Failure, check, eq, free_port, http, run  # noqa: E402

MAX_LINES, MAX_WIDTH = 60, 160
BLOCK = re.compile(r"(?:<!-- readme-check: skip: (?P<skip>[^\n]*?) -->\n)?```sh\n(?P<body>.*?)```", re.S)


def blocks(text):
    out = []
    for m in BLOCK.finditer(text):
        line = text.count("\n", 0, m.start("body"))
        out.append((line, m.group("skip"), m.group("body")))
    return out


def clean_clone():
    """The files `git clone` would give (tracked, plus new files not ignored), copied."""
    names = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    clone = tempfile.mkdtemp(prefix="chartd-readme-")
    for name in filter(None, names):
        src, dst = os.path.join(ROOT, name), os.path.join(clone, name)
        if not os.path.lexists(src):
            continue  # deleted in the work tree, not yet committed
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    os.symlink(os.path.dirname(BIN), os.path.join(clone, "build"))  # what the build command makes
    if os.path.isdir(os.path.join(ROOT, "node_modules")):
        os.symlink(os.path.join(ROOT, "node_modules"), os.path.join(clone, "node_modules"))  # what setup.sh makes
    return clone


def snapshot(folder):
    files = {}
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(base, d))]
        for n in names:
            p = os.path.join(base, n)
            files[os.path.relpath(p, folder)] = os.lstat(p).st_mtime_ns
    return files


async def main():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        found = blocks(f.read())
    check(len(found) >= 8, f"the README has {len(found)} shell examples")
    clone = clean_clone()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "MAX_", "PORT"))}
    env.update({"WEBSOCKET_PORT": str(port), "CHARTD_WORKERS": "2", "TMPDIR": tempfile.mkdtemp()})
    log = open(os.path.join(env["TMPDIR"], "server.log"), "w")
    server = subprocess.Popen(["build/chartd", "serve"], cwd=clone, env=env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                if http(f"http://127.0.0.1:{port}/readyz", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                raise Failure("the README's server did not start")
            import time
            time.sleep(0.1)
        before = snapshot(clone)
        ran = 0
        for line, skip, body in found:
            if skip is not None:
                check(len(skip.strip()) > 10, f"README.md:{line}: a skipped example says why")
                continue
            script = body.replace("localhost:8080", f"localhost:{port}")
            p = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=clone, env=env, capture_output=True,
                               text=True, timeout=180)
            where = f"README.md:{line}"
            eq(p.returncode, 0, f"{where}: exit code (stderr: {p.stderr[-2000:]!r})")
            out = p.stdout.splitlines()
            check(len(out) <= MAX_LINES, f"{where}: {len(out)} lines of output; a terminal reader wants at most {MAX_LINES}")
            wide = [o for o in out if len(o) > MAX_WIDTH]
            check(not wide, f"{where}: a line of {len(wide[0]) if wide else 0} characters: {wide[0][:100] if wide else ''}…")
            ran += 1
        after = snapshot(clone)
        eq(sorted(set(after) - set(before)), [], "files the examples left in the clone (they write to a temp folder)")
        changed = [n for n in before if n in after and after[n] != before[n]]
        eq(changed, [], "files of the clone the examples changed")
        check(ran >= 8, f"{ran} examples ran")
        print(f"{ran} README examples ran, {len(found) - ran} skipped with a reason")
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        shutil.rmtree(clone, ignore_errors=True)


run(main)
