"""Configuration: bad values stop `serve`/`check` with exit code 2 and one exact line; .env
is read from the working directory and the real environment wins; PORT beats WEBSOCKET_PORT;
CHARTD_BIND: loopback in development (another loopback address such as 127.0.0.2 is refused),
every interface in production or when asked, and the listening line says where."""
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, ROOT, Server, check, eq, free_port, http, run  # noqa: E402


def chartd(args, env=None, cwd=None, timeout=30):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LLM_", "CHART", "MAX_", "PORT", "WEBSOCKET"))}
    full["CHARTD_HOME"] = ROOT
    full.update(env or {})
    p = subprocess.run([BIN] + args, env=full, cwd=cwd or tempfile.mkdtemp(), capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


BAD = [
    ({"WEBSOCKET_PORT": "80"}, "chartd: WEBSOCKET_PORT=80 is out of range; allowed 1024-65535"),
    ({"WEBSOCKET_PORT": "8080", "PORT": "70000"}, "chartd: PORT=70000 is out of range; allowed 1024-65535"),
    ({"WEBSOCKET_PORT": "eighty"}, "chartd: WEBSOCKET_PORT=eighty is not an integer; allowed 1024-65535"),
    ({"CHART_GENERATION_TIMEOUT": "4"}, "chartd: CHART_GENERATION_TIMEOUT=4 is out of range; allowed 5-300"),
    ({"CHART_GENERATION_TIMEOUT": "301"}, "chartd: CHART_GENERATION_TIMEOUT=301 is out of range; allowed 5-300"),
    ({"MAX_CONCURRENT_CONNECTIONS": "0"}, "chartd: MAX_CONCURRENT_CONNECTIONS=0 is out of range; allowed 1-100000"),
    ({"MAX_CHART_SIZE_MB": "-1"}, "chartd: MAX_CHART_SIZE_MB=-1 is out of range; allowed 1-1024"),
    ({"CHARTD_IDLE_PING": "0"}, "chartd: CHARTD_IDLE_PING=0 is out of range; allowed 1-3600"),
    ({"CHARTD_IDLE_PING": "5", "CHARTD_IDLE_TIMEOUT": "5"},
     "chartd: CHARTD_IDLE_TIMEOUT=5 is not allowed; allowed more than CHARTD_IDLE_PING (5)"),
    ({"CHARTD_SEND_TIMEOUT": "0"}, "chartd: CHARTD_SEND_TIMEOUT=0 is out of range; allowed 1-3600"),
    ({"CHARTD_SEND_TIMEOUT": "3601"}, "chartd: CHARTD_SEND_TIMEOUT=3601 is out of range; allowed 1-3600"),
    ({"MAX_REQUEST_KB": "0"}, "chartd: MAX_REQUEST_KB=0 is out of range; allowed 1-65536"),
    ({"CHARTD_WORKERS": "0"}, "chartd: CHARTD_WORKERS=0 is out of range; allowed 1-256"),
    ({"LOG_LEVEL": "LOUD"}, "chartd: LOG_LEVEL=LOUD is not allowed; allowed DEBUG, INFO, WARNING, ERROR"),
    ({"LLM_PROVIDER": "claude"}, "chartd: LLM_PROVIDER=claude is not allowed; allowed auto, openai, offline"),
    ({"LLM_PROVIDER": "openai"}, "chartd: LLM_PROVIDER=openai needs OPENAI_API_KEY; allowed auto or offline without a key"),
    ({"DEBUG": "maybe"}, "chartd: DEBUG=maybe is not a boolean; allowed true, false, 1, 0, yes, no"),
    ({"CHARTD_BIND": "localhost"},
     "chartd: CHARTD_BIND=localhost is not allowed; allowed an IPv4 or IPv6 address (127.0.0.1, 0.0.0.0, ::1, ::)"),
    ({"CHARTD_MAX_PIXELS": "100"}, "chartd: CHARTD_MAX_PIXELS=100 is out of range; allowed 256-1073741824"),
    ({"CHARTD_SCRIPT_BUDGET_MS": "50"}, "chartd: CHARTD_SCRIPT_BUDGET_MS=50 is out of range; allowed 100-120000"),
    ({"CHARTD_CACHE_MB": "lots"}, "chartd: CHARTD_CACHE_MB=lots is not an integer; allowed 0-65536"),
    ({"CHARTD_CORS_ORIGINS": "https://a.example, https://b.example"},
     "chartd: CHARTD_CORS_ORIGINS=https://a.example, https://b.example: entry 2 contains whitespace; allowed a "
     "comma-separated list without spaces"),
    ({"CHARTD_DRAIN_SECONDS": "-1"}, "chartd: CHARTD_DRAIN_SECONDS=-1 is out of range; allowed 0-3600"),
]


def reachable(address, port):
    try:
        with socket.create_connection((address, port), timeout=2):
            return True
    except OSError:
        return False


async def main():
    for env, line in BAD:
        for command in ("serve", "check"):
            rc, out, err = chartd([command], env)
            eq(rc, 2, f"{command} exit code with {env}")
            eq(err, line + "\n", f"{command} stderr with {env}")

    rc, out, err = chartd(["check"])
    eq(rc, 0, f"check exit code (stderr {err!r})")
    check(out.startswith("chartd: configuration and scripts OK"), out)

    # check loads the scripts: a home without them fails with 2.
    rc, _, err = chartd(["check"], {"CHARTD_HOME": tempfile.mkdtemp()})
    eq(rc, 2, "check exit code without scripts")
    check("service" in err, err)

    # .env in the working directory; the real environment wins over it.
    cwd = tempfile.mkdtemp()
    with open(os.path.join(cwd, ".env"), "w") as f:
        f.write("# comment\nexport LOG_LEVEL=LOUD\nMAX_RETRIES='2'\n")
    rc, _, err = chartd(["check"], cwd=cwd)
    eq((rc, err), (2, "chartd: LOG_LEVEL=LOUD is not allowed; allowed DEBUG, INFO, WARNING, ERROR\n"), ".env read")
    rc, _, err = chartd(["check"], {"LOG_LEVEL": "ERROR"}, cwd=cwd)
    eq(rc, 0, f"real environment wins over .env ({err!r})")
    with open(os.path.join(cwd, ".env"), "w") as f:
        f.write("LOG_LEVEL=INFO\nthis is not a pair\n")
    rc, _, err = chartd(["check"], cwd=cwd)
    eq((rc, err), (2, "chartd: .env line 2: expected KEY=VALUE\n"), "malformed .env")

    # A name that looks like a mistaken setting is warned about, whatever reads it: check and the
    # other commands on stderr, serve in its log; .env entries count as much as the environment.
    mistaken = {"WEBSOKET_PORT": "9000", "CHARTD_CACHE_SIZE": "10", "LLM_MODLE": "x", "HOSTNAME": "box"}
    rc, out, err = chartd(["check"], mistaken)
    eq(rc, 0, f"a mistaken name is not an error ({err!r})")
    for line in ("chartd: warning: WEBSOKET_PORT is not a chartd setting; did you mean WEBSOCKET_PORT?",
                 "chartd: warning: CHARTD_CACHE_SIZE is not a chartd setting; the settings are listed in .env.example",
                 "chartd: warning: LLM_MODLE is not a chartd setting; did you mean LLM_MODEL?"):
        check(line in err.splitlines(), f"{line!r} in {err!r}")
    check("HOSTNAME" not in err, "other programs' names are left alone")
    eq(len(err.splitlines()), 3, f"one line each: {err!r}")
    cwd = tempfile.mkdtemp()
    with open(os.path.join(cwd, ".env"), "w") as f:
        f.write("MAX_RETIRES=2\n")
    rc, out, err = chartd(["render", os.path.join(ROOT, "examples", "bar.json"), "-o", os.path.join(cwd, "b.svg")],
                          cwd=cwd)
    eq((rc, err), (0, "chartd: warning: MAX_RETIRES is not a chartd setting; did you mean MAX_RETRIES?\n"),
       "render reads .env too")
    with Server(env={"WEBSOKET_PORT": "9000"}, workers=1) as s:
        pass
    warned = [e for e in s.log_events() if e["event"] == "config_warning"]
    eq([w["message"] for w in warned], ["WEBSOKET_PORT is not a chartd setting; did you mean WEBSOCKET_PORT?"],
       "serve logs the warning")

    # PORT wins over WEBSOCKET_PORT, and serve logs where it listens, the planner and the workers.
    port = free_port()
    s = Server(env={"PORT": str(port), "WEBSOCKET_PORT": "1024", "CHARTD_WORKERS": "3"}, ready=False)
    s.port, s.base = port, f"http://127.0.0.1:{port}"
    s.wait_ready()
    eq(http(s.base + "/healthz")[0], 200, "healthz on PORT")
    eq(s.stop(), 0, "exit code after SIGTERM")
    listening = [e for e in s.log_events() if e["event"] == "listening"]
    eq(len(listening), 1, "one listening line")
    eq((listening[0]["url"], listening[0]["planner"], listening[0]["workers"]),
       (f"ws://127.0.0.1:{port}/", "offline", 3), "listening line (development: loopback)")

    # Where it listens: 127.0.0.1 only in development; every address when asked or in production.
    for env, bind in (({"APP_ENV": "development"}, "127.0.0.1"), ({"CHARTD_BIND": "0.0.0.0"}, "0.0.0.0"),
                      ({"APP_ENV": "production"}, "0.0.0.0")):
        with Server(env=env, workers=1) as s:
            check(reachable("127.0.0.1", s.port), f"{env}: 127.0.0.1 answers")
            eq(reachable("127.0.0.2", s.port), bind == "0.0.0.0", f"{env}: 127.0.0.2 answers only on 0.0.0.0")
        line = [e for e in s.log_events() if e["event"] == "listening"][0]
        eq((line["bind"], line["url"]), (bind, f"ws://{bind}:{s.port}/"), f"{env}: listening line")


run(main)
