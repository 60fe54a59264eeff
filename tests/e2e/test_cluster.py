"""The cluster as deployed (scripts/cluster.sh up 3: real redis-server, three chartd replicas,
real nginx in front, all on loopback): requests spread over the replicas; a chart drawn by one
replica is a cache hit on another; a rate limit of K
allows K in total across them; a conversation continues after its replica is killed (kill -9)
and the client reconnects through nginx with its session token; stopping Redis mid-load loses
no request and the cluster recovers when it is back; SIGTERM drains a replica while nginx sends
new connections elsewhere."""
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import BIN, MAX_SIZE, ROOT, check, eq, recv_json, run, until_final  # noqa: E402

import websockets  # noqa: E402

LIMIT = 5  # CHARTD_RATE_LIMIT: chart requests a minute per client
CSV = "month,revenue,region\n" + "".join(
    f"2024-{m:02d},{100 + 7 * m + 13 * r},{reg}\n" for m in range(1, 13) for r, reg in enumerate(["North", "South"]))
SPEC = {"type": "bar", "data": {"values": [{"k": "a", "v": 3}, {"k": "b", "v": 5}]},
        "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}}}


class Cluster:
    def __init__(self, n):
        self.dir = tempfile.mkdtemp(prefix="chartd-cluster-test-")
        self.env = dict(os.environ, CHARTD_CLUSTER_DIR=self.dir, CHARTD_BIN=BIN, CHARTD_WORKERS="1",
                        CHARTD_RATE_LIMIT=str(LIMIT), CHARTD_TEST_HOOKS="1", LLM_PROVIDER="offline",
                        CHARTD_REDIS_TIMEOUT_MS="200", LOG_LEVEL="INFO")
        self.script("up", str(n))
        self.vars = dict(line.split("=", 1) for line in open(os.path.join(self.dir, "cluster.env")).read().split())
        self.front = self.vars["FRONT_URL"].replace("http://", "ws://") + "/"
        self.n = n

    def script(self, *args):
        subprocess.run([os.path.join(ROOT, "scripts", "cluster.sh"), *args], env=self.env, check=True,
                       stdout=subprocess.PIPE, timeout=120)

    def port(self, i):
        return int(self.vars[f"REPLICA_{i}_PORT"])

    def pid(self, i):
        return int(self.vars[f"REPLICA_{i}_PID"])

    def metrics(self, i):
        """Metric name with labels → value, of replica i."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port(i)}/metrics", timeout=5) as r:
            text = r.read().decode()
        return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(chartd_\S+) (\S+)$", text, re.M)}

    def total(self, i, prefix):
        return sum(v for k, v in self.metrics(i).items() if k.startswith(prefix))

    def log(self, i):
        return [json.loads(line) for line in open(os.path.join(self.dir, f"replica-{i}.log")) if line.startswith("{")]

    def down(self):
        self.script("down")


async def settled(read, want, seconds=5):
    """read() once it equals want, or its last value after seconds: a request is counted in
    chartd_requests_total just after its final reply is sent."""
    deadline = time.monotonic() + seconds
    while (got := read()) != want and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return got


def connect(url):
    return websockets.connect(url, subprotocols=["chartd.v1"], max_size=MAX_SIZE, open_timeout=10)


async def ask(ws, rid, **fields):
    await ws.send(json.dumps({"type": "chart.request", "id": rid, "format": "svg", **fields}))
    _, final = await until_final(ws, rid, timeout=30)
    return final


async def test_spread(c):
    before = [c.total(i, "chartd_requests_total") for i in range(1, c.n + 1)]
    for k in range(3 * c.n):
        async with connect(c.front) as ws:
            await recv_json(ws)
            eq((await ask(ws, f"s{k}", spec=SPEC))["type"], "chart", f"request {k} through nginx")
    per_replica = lambda: [c.total(i, "chartd_requests_total") - before[i - 1] for i in range(1, c.n + 1)]  # noqa: E731
    await settled(lambda: sum(per_replica()), 3 * c.n)
    served = per_replica()
    eq(sum(served), 3 * c.n, "every request counted once")
    check(all(s >= 1 for s in served), f"requests spread over every replica: {served}")


async def test_rate_limit(c):
    """One client (one session) reconnecting through nginx lands on several replicas; the
    limit still allows LIMIT requests in all."""
    token, answers = None, []
    before = [c.total(i, 'chartd_rate_limit_total{scope="cluster"') for i in range(1, c.n + 1)]
    for k in range(c.n):
        async with connect(c.front + (f"?session={token}" if token else "")) as ws:
            hello = await recv_json(ws)
            token = token or hello["session"]
            eq(hello["session"], token, "the session is kept on reconnect")
            for j in range(LIMIT):
                answers.append(await ask(ws, f"r{k}-{j}", spec=SPEC))
    codes = [a.get("code", a["type"]) for a in answers]
    eq(codes.count("chart"), LIMIT, f"allowed across {c.n} replicas: {codes}")
    eq(codes.count("rate_limited"), (c.n - 1) * LIMIT, "the rest is limited")
    limited = next(a for a in answers if a.get("code") == "rate_limited")
    check(0 < limited["retry_after_ms"] <= 60000 and limited["retryable"], f"retry hint: {limited}")
    after = [c.total(i, 'chartd_rate_limit_total{scope="cluster"') for i in range(1, c.n + 1)]
    check(sum(1 for b, a in zip(before, after) if a > b) >= 2, f"decided on several replicas: {before} → {after}")


async def test_shared_cache(c):
    """A chart drawn by replica 1 is a hit on replica 2 (from Redis, byte-identical), which then
    keeps it in its own cache in front of Redis."""
    spec = dict(SPEC, title=f"shared {os.getpid()} {time.time()}")  # a key no earlier run cached
    hits = 'chartd_cache_shared_total{outcome="hit"}'
    answers = []
    for i in (1, 2, 2):
        before = c.metrics(i).get(hits, 0)
        async with websockets.connect(f"ws://127.0.0.1:{c.port(i)}/", subprotocols=["chartd.v1"],
                                      max_size=MAX_SIZE) as ws:
            await recv_json(ws)
            answers.append(await ask(ws, f"cache-{i}-{len(answers)}", spec=spec))
        answers[-1]["shared_hits"] = c.metrics(i).get(hits, 0) - before
    eq([a["type"] for a in answers], ["chart"] * 3, "charts")
    eq([a["shared_hits"] for a in answers], [0, 1, 0], "drawn on 1, from Redis on 2, then from 2's own cache")
    eq([bool(a.get("cached")) for a in answers], [False, True, True], "drawn once, then reused")
    check(answers[0]["data"] == answers[1]["data"] == answers[2]["data"], "byte-identical images")


def replica_of(c, metric, before):
    """The replica whose metric grew since before (a list per replica)."""
    grown = [i for i in range(1, c.n + 1) if c.total(i, metric) > before[i - 1]]
    eq(len(grown), 1, f"one replica served it ({metric})")
    return grown[0]


async def test_session_survives_kill(c):
    before = [c.total(i, 'chartd_sessions_total{event="stored"}') for i in range(1, c.n + 1)]
    async with connect(c.front) as ws:
        token = (await recv_json(ws))["session"]
        first = await ask(ws, "c1", prompt="revenue by month as bars", data=CSV)
        eq(first["type"], "chart", f"first chart: {first}")
        served = replica_of(c, 'chartd_sessions_total{event="stored"}', before)
        os.kill(c.pid(served), signal.SIGKILL)  # the client's connection dies with it
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed:
            pass
    resumed_before = [0 if i == served else c.total(i, 'chartd_sessions_total{event="resumed"}')
                      for i in range(1, c.n + 1)]
    async with connect(c.front + f"?session={token}") as ws:
        eq((await recv_json(ws))["session"], token, "hello names the session it continues")
        follow = await ask(ws, "c2", prompt="make it a line chart")
    eq((follow["type"], follow["spec"]["type"], follow.get("outcome")), ("chart", "line", "edit"), f"follow-up: {follow}")
    check(not follow.get("synthetic"), "drawn on the data sent before the replica died, not invented")
    eq(follow["spec"]["encoding"]["y"]["field"], first["spec"]["encoding"]["y"]["field"], "same measure")
    sent = sum(int(line.split(",")[1]) for line in CSV.splitlines()[1:])
    eq(sum(row[1] for row in follow["data_summary"]["rows"]), sent, "the follow-up's numbers are the CSV's")
    eq(follow["data_summary"]["rows"], first["data_summary"]["rows"], "the same table as before the kill")
    alive = [i for i in range(1, c.n + 1) if i != served]
    check(any(c.total(i, 'chartd_sessions_total{event="resumed"}') > resumed_before[i - 1] for i in alive),
          "another replica read the session from Redis")
    return served


async def client(c, name, results, stop):
    """Keeps asking until stop is set: a prompt with data, a conversation turn on its session,
    and a spec no replica has drawn (the render cache asks Redis, then writes to it)."""
    k = 0
    while not stop.is_set():
        k += 1
        try:
            async with connect(c.front) as ws:
                await recv_json(ws)
                for rid, fields in ((f"{name}-{k}a", {"prompt": "revenue by month as bars", "data": CSV}),
                                    (f"{name}-{k}b", {"prompt": "make it a line chart"}),
                                    (f"{name}-{k}c", {"spec": dict(SPEC, title=f"{name}-{k} {time.time()}")})):
                    results.append(await asyncio.wait_for(ask(ws, rid, **fields), 30))
        except (OSError, websockets.WebSocketException) as e:  # a connection nginx could not place
            results.append({"type": "connect_error", "error": repr(e)})


async def test_redis_outage(c, alive):
    results, stop = [], asyncio.Event()
    load = [asyncio.create_task(client(c, f"L{i}", results, stop)) for i in range(3)]
    await asyncio.sleep(1.0)
    c.script("redis-stop")
    during_start = len(results)
    await asyncio.sleep(2.0)
    during = results[during_start:]
    c.script("redis-start")
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*load)
    kinds = [r.get("code", r["type"]) for r in results]
    check(len(during) >= 3, f"requests kept coming while Redis was down: {len(during)}")
    eq([k for k in kinds if k not in ("chart",)], [], "every request got its chart, Redis down or not")
    check(any(c.total(i, "chartd_redis_failures_total") > 0 for i in alive), "the outage shows in /metrics")
    check(any(c.metrics(i).get('chartd_cache_shared_total{outcome="failed"}', 0) > 0 for i in alive),
          "the shared cache's misses during the outage are counted")
    check(any(e.get("event") == "redis_down" for i in alive for e in c.log(i)), "and in the log")
    # Recovery: each replica reconnects by itself on its next requests after its back-off.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        async with connect(c.front) as ws:
            await recv_json(ws)
            eq((await ask(ws, "rec", prompt="revenue by month as bars", data=CSV))["type"], "chart", "after Redis")
        if all(c.metrics(i).get("chartd_redis_up") == 1 for i in alive):
            break
        await asyncio.sleep(0.3)
    eq([c.metrics(i).get("chartd_redis_up") for i in alive], [1] * len(alive), "every replica back on Redis")
    check(any(e.get("event") == "redis_up" for i in alive for e in c.log(i)), "recovery logged")


async def test_redis_slow(c, alive):
    """Redis that stops answering (DEBUG SLEEP) costs a request CHARTD_REDIS_TIMEOUT_MS, not
    Redis's pause: the chart comes before Redis wakes up."""
    key = 'chartd_redis_failures_total{why="timeout"}'
    before = sum(c.metrics(i).get(key, 0) for i in alive)
    sleeper = subprocess.Popen(["redis-cli", "-p", c.vars["REDIS_PORT"], "DEBUG", "SLEEP", "5"], stdout=subprocess.PIPE)
    try:
        await asyncio.sleep(0.2)
        async with connect(c.front) as ws:
            await recv_json(ws)
            answer = await ask(ws, "slow-redis", prompt="revenue by month as bars", data=CSV)
            check(sleeper.poll() is None, "answered while Redis was still asleep")
        eq(answer["type"], "chart", "charted without Redis")
        check(sum(c.metrics(i).get(key, 0) for i in alive) > before, "the timeout is counted")
    finally:
        sleeper.wait(timeout=10)


async def test_drain(c, alive):
    target = alive[0]
    async with websockets.connect(f"ws://127.0.0.1:{c.port(target)}/", subprotocols=["chartd.v1"]) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "chart.request", "id": "slow", "spec": SPEC, "format": "svg",
                                  "debug": {"busy_ms": 1500}}))
        eq((await recv_json(ws))["stage"], "initialization", "the slow request started")
        os.kill(c.pid(target), signal.SIGTERM)
        await asyncio.sleep(0.3)
        others = [i for i in alive if i != target]
        before = [c.total(i, "chartd_requests_total") for i in others]
        for k in range(2 * len(alive)):  # least_conn would pick the draining replica's door too
            async with connect(c.front) as front:
                await recv_json(front)
                eq((await ask(front, f"d{k}", spec=SPEC))["type"], "chart", f"new connection {k} while draining")
        served = lambda: sum(c.total(i, "chartd_requests_total") for i in others) - sum(before)  # noqa: E731
        eq(await settled(served, 2 * len(alive)), 2 * len(alive), "the other replicas served them all")
        _, final = await until_final(ws, "slow", timeout=30)
        eq(final["type"], "chart", "the request in flight finished")
    proc_deadline = time.monotonic() + 10
    while time.monotonic() < proc_deadline:
        try:
            os.kill(c.pid(target), 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.1)
    check(not any(e.get("event") == "request_failed" for e in c.log(target)), "nothing failed on the drained replica")
    check(any(e.get("event") == "stopped" for e in c.log(target)), "the drained replica stopped")


async def main():
    c = Cluster(3)
    try:
        t0 = time.monotonic()
        await test_spread(c)
        await test_shared_cache(c)
        await test_rate_limit(c)
        killed = await test_session_survives_kill(c)
        alive = [i for i in range(1, c.n + 1) if i != killed]
        await test_redis_outage(c, alive)
        await test_redis_slow(c, alive)
        await test_drain(c, alive)
        print(f"cluster checks took {time.monotonic() - t0:.1f} s")
    finally:
        c.down()
    shutil.rmtree(c.dir, ignore_errors=True)  # kept when a check failed: the logs say why


run(main)
