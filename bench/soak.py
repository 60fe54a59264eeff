#!/usr/bin/python3
"""chartd soak test (loopback only, bounded): starts the real `chartd serve` with
MAX_CONCURRENT_CONNECTIONS=100 and CHARTD_WORKERS=2, then runs 200 WebSocket clients for
--minutes. Clients refused with close 1013 back off and retry; a connected client sends a
mix of valid spec requests (examples/*.json, png/svg/pdf), invalid ones (bad JSON, unknown
top-level field, unknown encoding field, unknown theme) and requests it cancels at once,
and checks that every request gets exactly one final reply (`chart` or `error`, ids
matched) and that images decode. The server's RSS and open fds are sampled every second.

  CHARTD_BIN=build/chartd /usr/bin/python3 bench/soak.py --minutes 10 --csv /tmp/soak.csv

With --reload-every S the server runs on a temp copy of lua/, prompts/, themes/ with hot
reload on, and every S seconds a chart module is saved: in turn a good edit (it must go live),
a save with a syntax error and one with `while true do end` on top (both must be refused
while the last good scripts keep serving); /readyz is checked after each.

Exit 0 only with zero lost replies, zero duplicates, zero wrong replies and no crash.
It stops by itself at the deadline (plus a bounded drain) and stops only its own server."""
import argparse
import asyncio
import base64
import collections
import csv
import glob
import json
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.request

import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from chartd_harness import ROOT, Server, connect  # noqa: E402

CLIENTS = 200
MAX_CONN = 100
WIDTH, HEIGHT = 320, 240
REPLY_TIMEOUT = 90       # s: a final reply later than this counts as lost
DRAIN = 60               # s after the deadline for in-flight requests to finish
FORMATS = ["png", "png", "png", "svg", "pdf"]
PNG_SIG = b"\x89PNG\r\n\x1a\n"


class Stats:
    def __init__(self):
        self.sent = collections.Counter()      # by kind
        self.replies = collections.Counter()   # by kind/outcome
        self.lost = 0                          # no final reply within REPLY_TIMEOUT / connection died
        self.lost_how = collections.Counter()  # how each was lost (closed_how, or "no reply in time")
        self.duplicates = 0                    # a second final, or a message for a finished id
        self.wrong = collections.Counter()     # reply not what the kind calls for
        self.bad_image = 0
        self.refusals = 0                      # 1013 closes
        self.other_close = collections.Counter()
        self.connections = 0
        self.connected = 0                     # open now
        self.examples = {}                     # first message text of each wrong reply


def load_specs():
    specs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        with open(path) as f:
            spec = json.load(f)
        if isinstance(spec, dict) and "type" in spec and "data" in spec:
            specs.append((os.path.basename(path), spec))
    return specs


def closed_how(e):
    """Who ended a connection, from websockets' ConnectionClosed: the server's close frame, this
    client's own (its keepalive ping unanswered for ping_timeout: a starved client, or a server
    that stopped answering), or neither (a reset or EOF without a close handshake)."""
    if e.rcvd is not None:
        return f"server close {e.rcvd.code}"
    if e.sent is not None:
        return f"client close {e.sent.code} {e.sent.reason}".rstrip()
    return "no close frame"


def check_image(msg, fmt):
    """True when the payload decodes as the format asked for, at the size asked for."""
    try:
        data = base64.b64decode(msg["data"], validate=True)
    except (KeyError, ValueError):
        return False
    if msg.get("bytes") != len(data) or msg.get("format") != fmt:
        return False
    if fmt == "png":
        return (data[:8] == PNG_SIG and int.from_bytes(data[16:20], "big") == WIDTH
                and int.from_bytes(data[20:24], "big") == HEIGHT)
    if fmt == "svg":
        return b"<svg" in data[:512] and data.rstrip().endswith(b"</svg>")
    return data[:5] == b"%PDF-" and b"%%EOF" in data[-64:]


class Client:
    def __init__(self, cid, server, specs, st, deadline, rng):
        self.cid, self.server, self.specs, self.st = cid, server, specs, st
        self.deadline, self.rng = deadline, rng
        self.seq = 0
        self.done = set()   # ids that already got their final reply

    def request(self):
        """(kind, id or None, text, format)"""
        self.seq += 1
        rid = f"c{self.cid}-{self.seq}"
        r = self.rng.random()
        name, spec = self.rng.choice(self.specs)
        fmt = self.rng.choice(FORMATS)
        req = {"type": "chart.request", "id": rid, "spec": spec, "format": fmt,
               "width": WIDTH, "height": HEIGHT}
        if r < 0.55:
            return "valid", rid, json.dumps(req), fmt
        if r < 0.70:
            return "cancel", rid, json.dumps(req), fmt
        if r < 0.78:
            return "bad_json", None, '{"type":"chart.request","id":"%s","spec":{"type":' % rid, fmt
        if r < 0.86:
            req["colour"] = "red"   # unknown top-level field
            return "unknown_request_field", rid, json.dumps(req), fmt
        if r < 0.93:
            bad = json.loads(json.dumps(spec))
            enc = bad.get("encoding") or {}
            chan = next((c for c in ("y", "x", "theta", "value", "color") if isinstance(enc.get(c), dict)
                         and "field" in enc[c]), None)
            if chan is None:
                req["theme"] = "no-such-theme"
                return "unknown_theme", rid, json.dumps(req), fmt
            enc[chan]["field"] = "no_such_column"
            req["spec"] = bad
            return "unknown_field", rid, json.dumps(req), fmt
        req["theme"] = "no-such-theme"
        return "unknown_theme", rid, json.dumps(req), fmt

    async def final(self, ws, rid, until):
        """Next final reply for rid (None for a message without id); other messages are
        checked: progress for rid is fine, anything for a finished id is a duplicate."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError
            msg = json.loads(await asyncio.wait_for(ws.recv(), left))
            t, mid = msg.get("type"), msg.get("id")
            if t == "pong":
                continue
            if mid is not None and mid in self.done:
                self.st.duplicates += 1
                continue
            if mid != rid:
                self.st.wrong["reply_for_other_id"] += 1
                continue
            if t == "progress":
                continue
            return msg

    async def one(self, ws):
        kind, rid, text, fmt = self.request()
        self.st.sent[kind] += 1
        await ws.send(text)
        if kind == "cancel":
            await ws.send(json.dumps({"type": "chart.cancel", "id": rid}))
        until = min(time.monotonic() + REPLY_TIMEOUT, self.deadline + DRAIN)
        try:
            msg = await self.final(ws, rid, until)
        except asyncio.TimeoutError:
            self.st.lost += 1
            self.st.lost_how["no reply in time"] += 1
            raise
        except websockets.ConnectionClosed as e:
            self.st.lost += 1
            self.st.lost_how[closed_how(e)] += 1
            raise
        if rid is not None:
            self.done.add(rid)
        t, code = msg.get("type"), msg.get("code")
        if kind in ("valid", "cancel") and t == "chart":
            self.st.replies[f"{kind}:chart"] += 1
            if not check_image(msg, fmt):
                self.st.bad_image += 1
            return
        self.st.replies[f"{kind}:{t}:{code}"] += 1
        want = {"cancel": ("error", "cancelled"), "bad_json": ("error", "invalid_json"),
                "unknown_request_field": ("error", "invalid_request"),
                "unknown_field": ("error", "unknown_field"), "unknown_theme": ("error", "unknown_theme")}.get(kind)
        if want != (t, code):
            self.st.wrong[f"{kind}:{t}:{code}"] += 1
            self.st.examples.setdefault(f"{kind}:{t}:{code}", msg.get("message"))

    async def run(self):
        await asyncio.sleep(self.rng.random() * 2)  # spread the first connects
        while time.monotonic() < self.deadline:
            try:
                async with connect(self.server, open_timeout=10, close_timeout=5) as ws:
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if hello.get("type") != "hello":
                        self.st.wrong["no_hello"] += 1
                    self.st.connections += 1
                    self.st.connected += 1
                    try:
                        # A session of a few requests, then hang up so refused clients get a turn.
                        for _ in range(self.rng.randint(3, 25)):
                            if time.monotonic() >= self.deadline:
                                break
                            await self.one(ws)
                            await asyncio.sleep(self.rng.uniform(0, 0.3))
                    finally:
                        self.st.connected -= 1
            except websockets.ConnectionClosed as e:
                if e.rcvd is not None and e.rcvd.code == 1013:
                    self.st.refusals += 1
                else:
                    self.st.other_close[closed_how(e)] += 1
            except asyncio.TimeoutError:
                self.st.other_close["timeout"] += 1
            except OSError as e:
                self.st.other_close[type(e).__name__] += 1
            await asyncio.sleep(self.rng.uniform(0.2, 1.0))  # backoff before reconnecting


def held_bytes(server):
    """What the server's two memory budgets hold now: conversations (CHARTD_CONVERSATION_MB) and the
    render cache (CHARTD_CACHE_MB), in bytes. RSS minus these is what must stay flat."""
    held = 0
    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(("chartd_conversation_bytes ", "chartd_cache_bytes ")):
                held += int(float(line.rpartition(" ")[2]))
    return held


def proc_sample(pid):
    rss = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


async def sampler(server, st, t0, deadline, samples, crashed):
    while time.monotonic() < deadline + DRAIN:
        if server.proc.poll() is not None:
            crashed.append(server.proc.returncode)
            return
        try:
            rss, fds = proc_sample(server.proc.pid)
        except OSError:
            continue
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
        if len(samples) % 10 == 0:
            try:
                held = await asyncio.get_running_loop().run_in_executor(None, held_bytes, server)
            except OSError:
                held = samples[-1]["held_kb"] * 1024 if samples else 0
        else:
            held = samples[-1]["held_kb"] * 1024
        samples.append({"t_s": round(time.monotonic() - t0, 1), "rss_kb": rss, "fds": fds,
                        "connected": st.connected, "sent": sum(st.sent.values()), "load1": load,
                        "held_kb": held // 1024})
        await asyncio.sleep(1)


async def reloader(server, home, every, deadline, log):
    """Saves lua/charts/bar.lua every `every` seconds: good, syntax error, endless loop, in turn."""
    path = os.path.join(home, "lua", "charts", "bar.lua")
    with open(path, encoding="utf-8") as f:
        good = f.read()
    kinds = ["good", "syntax", "spin"]
    i = 0
    while time.monotonic() + every < deadline:
        await asyncio.sleep(every)
        kind = kinds[i % 3]
        text = {"good": good + f"\n-- soak edit {i}\n", "syntax": good + "\nlocal = = 1\n",
                "spin": "while true do end\n" + good}[kind]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        await asyncio.sleep(min(every / 2, 8))  # the self-test (or its budget) is over by then
        try:
            with urllib.request.urlopen(server.base + "/readyz", timeout=10) as r:
                ready = r.status
        except OSError as e:
            ready = getattr(e, "code", str(e))
        log.append((kind, ready))
        i += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(good)


def at(samples, t):
    """The first sample at or after t seconds (the last one if none)."""
    return next((s for s in samples if s["t_s"] >= t), samples[-1])


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=CLIENTS)
    ap.add_argument("--csv", help="write the per-second samples here")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reload-every", type=float, default=0, help="seconds between saves of a chart module")
    ap.add_argument("--conversation-mb", type=int, help="CHARTD_CONVERSATION_MB (default: the server's)")
    ap.add_argument("--cache-mb", type=int, help="CHARTD_CACHE_MB (default: the server's)")
    args = ap.parse_args()
    specs = load_specs()
    duration = args.minutes * 60
    env = {"MAX_CONCURRENT_CONNECTIONS": str(MAX_CONN), "LOG_LEVEL": "WARNING"}
    # small budgets fill within minutes, so an hour shows whether memory beyond them stays flat
    if args.conversation_mb is not None:
        env["CHARTD_CONVERSATION_MB"] = str(args.conversation_mb)
    if args.cache_mb is not None:
        env["CHARTD_CACHE_MB"] = str(args.cache_mb)
    home = None
    if args.reload_every > 0:
        home = tempfile.mkdtemp(prefix="chartd-soak-")
        for d in ("lua", "prompts", "themes", "web"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(home, d))
        env.update({"CHARTD_HOME": home, "CHARTD_RELOAD": "1"})
    server = Server(env=env, workers=2)
    os.nice(5)  # the clients must not starve the server on a small machine
    st, samples, crashed = Stats(), [], []
    t0 = time.monotonic()
    deadline = t0 + duration
    rng = random.Random(args.seed)
    sample_task = asyncio.create_task(sampler(server, st, t0, deadline, samples, crashed))
    clients = [asyncio.create_task(Client(i, server, specs, st, deadline,
                                          random.Random(rng.random())).run()) for i in range(args.clients)]
    reloads = []
    reload_task = (asyncio.create_task(reloader(server, home, args.reload_every, deadline, reloads))
                   if home else None)
    try:
        done, pending = await asyncio.wait(clients, timeout=duration + DRAIN + 30)
        for t in pending:   # cannot happen unless a bound above is broken; say so
            t.cancel()
            st.wrong["client_overran_bound"] += 1
        for t in done:
            if t.exception():
                st.wrong[f"client_exception:{type(t.exception()).__name__}"] += 1
        wall = time.monotonic() - t0
        sample_task.cancel()
        if reload_task:
            await reload_task
        metrics = {}
        with urllib.request.urlopen(server.base + "/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line and not line.startswith("#"):
                    name, _, value = line.rpartition(" ")
                    metrics[name] = float(value)
    finally:
        rc = server.stop()
        if home:
            shutil.rmtree(home, ignore_errors=True)
    if rc != 0 and not crashed:
        crashed.append(rc)

    warm_t = min(60.0, duration * 0.1)
    warm = at(samples, warm_t)
    end = [s for s in samples if s["t_s"] <= duration][-1]  # at the deadline, before clients leave
    max_rss = max(s["rss_kb"] for s in samples)
    max_fds = max(s["fds"] for s in samples)
    sent = sum(st.sent.values())
    finals = sum(st.replies.values())
    print(f"duration: {wall:.0f} s ({args.minutes:g} min + drain), clients {args.clients}, "
          f"MAX_CONCURRENT_CONNECTIONS={MAX_CONN}, CHARTD_WORKERS=2, {len(specs)} example specs")
    print(f"requests sent: {sent} = " + ", ".join(f"{k} {v}" for k, v in sorted(st.sent.items())))
    print(f"final replies: {finals} = " + ", ".join(f"{k} {v}" for k, v in sorted(st.replies.items())))
    print(f"lost replies: {st.lost} {dict(st.lost_how) or ''}   duplicates: {st.duplicates}   wrong replies: {sum(st.wrong.values())} "
          f"{dict(st.wrong) or ''}   bad images: {st.bad_image}")
    for k, v in st.examples.items():
        print(f"  e.g. {k}: {v!r}")
    print(f"connections: {st.connections} accepted, {st.refusals} refused with 1013, other closes "
          f"{dict(st.other_close) or 0}")
    closed = {by: int(metrics.get(f'chartd_connections_closed_with_work_total{{by="{by}"}}', 0))
              for by in ("client", "server", "transport")}
    print(f"server: connections closed with work pending {closed}, slow-reader closes "
          f"{metrics.get('chartd_slow_reader_closes_total', 0):.0f}")
    print(f"crashes: {len(crashed)} (server exit code {rc})")
    print(f"server RSS MB: warm-up (t={warm['t_s']:.0f}s) {warm['rss_kb'] / 1024:.1f}, end {end['rss_kb'] / 1024:.1f}, "
          f"max {max_rss / 1024:.1f}")
    print(f"server RSS minus what the budgets hold (conversations + render cache) MB: warm-up "
          f"{(warm['rss_kb'] - warm['held_kb']) / 1024:.1f}, end {(end['rss_kb'] - end['held_kb']) / 1024:.1f}; "
          f"held at the end {end['held_kb'] / 1024:.1f} (CHARTD_CONVERSATION_MB {env.get('CHARTD_CONVERSATION_MB', '256')}, "
          f"CHARTD_CACHE_MB {env.get('CHARTD_CACHE_MB', '64')})")
    print(f"server open fds: warm-up {warm['fds']}, end {end['fds']}, max {max_fds}")
    loads = sorted(s["load1"] for s in samples)
    print(f"machine load average (1 min): median {loads[len(loads) // 2]:.1f}, max {loads[-1]:.1f}")
    not_ready = [r for r in reloads if r[1] != 200]
    if home:
        ok_key, failed_key = 'chartd_reloads_total{outcome="ok"}', 'chartd_reloads_total{outcome="failed"}'
        by_kind = ", ".join(f"{k} {sum(1 for r in reloads if r[0] == k)}" for k in ("good", "syntax", "spin"))
        print(f"saves: {len(reloads)} ({by_kind}); reloads ok {metrics.get(ok_key, 0):.0f}, "
              f"refused {metrics.get(failed_key, 0):.0f}, worker build failures "
              f"{metrics.get('chartd_worker_build_failures_total', 0):.0f}; "
              f"/readyz not 200 after {len(not_ready)} saves {not_ready[:5]}")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(samples[0]))
            w.writeheader()
            w.writerows(samples)
        print(f"samples: {len(samples)} rows in {args.csv}")
    ok = (not crashed and st.lost == 0 and st.duplicates == 0 and not st.wrong and st.bad_image == 0
          and finals == sent and not not_ready and metrics.get("chartd_worker_build_failures_total", 0) == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
