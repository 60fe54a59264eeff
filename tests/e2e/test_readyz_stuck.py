"""/readyz tells the truth about a stuck worker, against the real server: a request whose script
is held in one C call that never comes back to Lua in time (tests/e2e/hostile.lua
`stuck_c_call`: table.move over nils, where no hook runs) passes its deadline; the budget's stop
cannot reach it, so from BUDGET_STUCK_MS (2 s) after the deadline /readyz answers 503 naming
the stuck worker — while the other worker still draws charts and the service thread still
answers pings. When the call returns, the stop hook ends the request with `timeout` and
/readyz is 200 again."""
import asyncio
import json
import time

from chartd_harness import BAR_SPEC, Server, check, connect, eq, http, recv_json, run, until_final

TIMEOUT_S = 5     # CHART_GENERATION_TIMEOUT (its minimum)
STUCK_MS = 2000   # src/budget.h BUDGET_STUCK_MS
READY_MS = 4000   # short, stoppable calls first (measuring the speed), up to 1 s before the deadline
HOLD_MS = 8000    # then one C call of about this long: from 4 s to 12 s, well past TIMEOUT_S + STUCK_MS


def readyz(server):
    status, _, body = http(server.base + "/readyz", timeout=10)
    return status, json.loads(body)


async def poll_readyz(server, t0, seen, stop):
    while not stop.is_set():
        asked = time.monotonic() - t0  # when asked: a 503 was computed before the call returned
        status, body = await asyncio.to_thread(readyz, server)
        seen.append((asked, status, body))
        await asyncio.sleep(0.1)


async def main():
    with Server(env={"CHARTD_TEST_HOOKS": "1", "CHART_GENERATION_TIMEOUT": str(TIMEOUT_S)}, workers=2) as server:
        eq(readyz(server), (200, {"ready": True}), "/readyz before")
        async with connect(server) as stuck, connect(server) as other:
            eq((await recv_json(stuck))["type"], "hello", "hello")
            eq((await recv_json(other))["type"], "hello", "hello")
            seen, stop = [], asyncio.Event()
            t0 = time.monotonic()
            await stuck.send(json.dumps({"type": "chart.request", "id": "stuck", "spec": BAR_SPEC,
                                         "debug": {"run": "stuck_c_call", "ready_ms": READY_MS,
                                                   "hold_ms": HOLD_MS}}))
            poller = asyncio.create_task(poll_readyz(server, t0, seen, stop))

            # While it is stuck: 503 (from the deadline + STUCK_MS on), yet the rest still serves.
            while not any(s == 503 for _, s, _ in seen):
                check(time.monotonic() - t0 < (READY_MS + HOLD_MS) / 1000 + 5, f"/readyz never said 503 while a worker was stuck: {seen[-3:]}")
                await asyncio.sleep(0.1)
            await other.send(json.dumps({"type": "ping"}))
            eq(await recv_json(other, timeout=5), {"type": "pong"}, "a ping while a worker is stuck")
            await other.send(json.dumps({"type": "chart.request", "id": "meanwhile", "spec": BAR_SPEC, "format": "svg"}))
            _, final = await until_final(other, "meanwhile", timeout=30)
            eq(final["type"], "chart", "the other worker draws while one is stuck")

            _, final = await until_final(stuck, "stuck", timeout=(READY_MS + HOLD_MS) / 1000 + 60)
            answered = time.monotonic() - t0
            eq((final["type"], final.get("code")), ("error", "timeout"), f"the stuck request's answer: {final}")
            await asyncio.sleep(0.5)
            stop.set()
            await poller

        first_503 = next(t for t, s, _ in seen if s == 503)
        last_503 = max(t for t, s, _ in seen if s == 503)
        before = [s for t, s, _ in seen if t < TIMEOUT_S - 0.5]
        print(f"first 503 at {first_503:.1f}s, last at {last_503:.1f}s, answered at {answered:.1f}s, "
              f"{len(seen)} probes")
        check(before and all(s == 200 for s in before), f"/readyz 200 before the deadline: {before}")
        check(first_503 >= TIMEOUT_S + STUCK_MS / 1000 - 0.5,
              f"503 only once the run is past its deadline + {STUCK_MS} ms (first at {first_503:.1f}s)")
        check(all(b.get("reason") == "a worker is stuck past its budget" for _, s, b in seen if s == 503),
              f"the 503 names the stuck worker: {[b for _, s, b in seen if s == 503][:1]}")
        check(last_503 < answered, f"no 503 after the stuck call returned ({last_503:.1f}s vs {answered:.1f}s)")
        check(answered >= TIMEOUT_S + STUCK_MS / 1000, f"the call held its worker past the deadline ({answered:.1f}s)")
        eq(seen[-1][1:], (200, {"ready": True}), "/readyz after the call returned")
        eq(readyz(server), (200, {"ready": True}), "/readyz after")


run(main)
