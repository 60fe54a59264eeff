"""Budgets and sandbox of the worker Lua states: canned hostile snippets (tests/e2e/hostile.lua,
run through the CHARTD_TEST_HOOKS debug hook) end in `timeout`, `resource_limit` or a plain
`internal` error — pattern matches that would backtrack for days inside one C call included;
the same connection then gets its chart, and a third client's pings stay fast while two
workers are tied up."""
import asyncio
import json
import os
import time

from chartd_harness import BAR_SPEC, Server, check, connect, eq, recv_json, run, until_final

# snippet → the error code its request must end with
CASES = {
    "spin": "timeout",
    "pcall_spin": "timeout",
    "coroutine_spin": "timeout",
    "coroutine_pcall_spin": "timeout",  # a pcall inside the script's own coroutine: the stop must yield
    "error_tostring_loop": "timeout",
    "gc_loop": "internal",  # setmetatable refuses __gc (finalizers run with hooks off)
    "table_bomb": "resource_limit",
    "rep_gigabytes": "resource_limit",
    "pcall_rep_loop": "resource_limit",
    "deep_recursion": "resource_limit",
    "error_table": "internal",
    "error_nil": "internal",
    "escape": "internal",  # raises "sandbox holds" (or what leaked): checked in the log
    # Catastrophic backtracking inside one C call, where no hook runs: chartd.pattern asks the
    # host mid-match. Last, so that the memory cases above keep their old company (under ASan
    # on a loaded 2-core box table_bomb needs ~4.5 of its 5 s).
    "pattern_backtracking": "timeout",
    "pattern_pcall_loop": "timeout",
    "pattern_gsub_function": "timeout",
    "pattern_gmatch": "timeout",
    "pattern_coroutine": "timeout",
}
# The memory cases must hit the cap well inside the time budget; under ASan (CHARTD_SANITIZED,
# set by the sanitizer build) filling 256 MB takes 4-5 s, so the budget grows there.
TIMEOUT_S = 15 if os.environ.get("CHARTD_SANITIZED") else 5


def request(rid, run_name=None):
    msg = {"type": "chart.request", "id": rid, "spec": BAR_SPEC}
    if run_name:
        msg["debug"] = {"run": run_name}
    return json.dumps(msg)


refs = []  # the references of the `internal` answers


# (the library's own keepalive is off: on a starved sanitizer build its 20 s ping can go unanswered by
# the client's busy loop; the probe's pings below are what measure the server's answers)
async def one_case(server, name, want, sem):
    async with sem:
        async with connect(server, ping_interval=None) as ws:
            eq((await recv_json(ws))["type"], "hello", "first message")
            t0 = time.monotonic()
            await ws.send(request("bad", name))
            _, final = await until_final(ws, "bad", timeout=TIMEOUT_S + 20)
            took = time.monotonic() - t0
            eq((final["type"], final.get("code")), ("error", want), f"{name}: final message {final}")
            if want == "internal":  # no detail for the client: a reference the log line carries
                check(".lua" not in final["message"] and "/" not in final["message"], f"{name}: {final['message']}")
                check(final.get("ref") and final["ref"] in final["message"], f"{name}: reference {final}")
                refs.append(final["ref"])
            if want == "timeout":
                check(TIMEOUT_S - 0.5 < took < TIMEOUT_S + 6, f"{name}: timed out after {took:.1f}s")
            else:
                check(took < TIMEOUT_S + 6, f"{name}: ended after {took:.1f}s")
            # the worker (whichever takes it) serves the next request on this connection
            await ws.send(request("next"))
            _, final = await until_final(ws, "next", timeout=30)
            eq(final["type"], "chart", f"{name}: the request after it")
            return took


async def probe(server, stop, worst):
    async with connect(server, ping_interval=None) as ws:
        await recv_json(ws)
        while not stop.is_set():
            t0 = time.monotonic()
            await ws.send(json.dumps({"type": "ping", "id": "p"}))
            eq((await recv_json(ws, timeout=10))["type"], "pong", "probe")
            worst[0] = max(worst[0], time.monotonic() - t0)
            await asyncio.sleep(0.1)


async def main():
    env = {"CHARTD_TEST_HOOKS": "1", "CHART_GENERATION_TIMEOUT": str(TIMEOUT_S)}
    with Server(env=env, workers=3) as server:
        stop, worst = asyncio.Event(), [0.0]
        prober = asyncio.create_task(probe(server, stop, worst))
        sem = asyncio.Semaphore(2)  # two workers tied up, the third free for the probe
        took = await asyncio.gather(*(one_case(server, n, w, sem) for n, w in CASES.items()))
        stop.set()
        await prober
        print("durations:", {n: round(t, 1) for n, t in zip(CASES, took)}, "worst ping: %.3fs" % worst[0])
        check(worst[0] < 2.0, f"a client's ping took {worst[0]:.2f}s while hostile requests ran")

        failed = [e for e in server.log_events() if e.get("event") == "request_failed"]
        logged = {e.get("ref") for e in failed}
        check(refs and all(r in logged for r in refs), f"each internal answer's ref is in a request_failed line: {refs}")
        errors = " | ".join(str(e.get("error")) for e in failed)
        check("__gc is not allowed" in errors, f"gc_loop refused: {errors[:600]}")
        check("sandbox holds" in errors, f"the escape snippet's verdict in the log: {errors[:600]}")
        check("sandbox leaks" not in errors, f"sandbox leaks: {errors[:600]}")
        metrics = server.metrics()
        check(any("resource_limit" in k for k in metrics), "resource_limit outcomes in /metrics")


run(main)
