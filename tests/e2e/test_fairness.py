"""Fairness against the real server: one WebSocket pipelining a thousand requests does not
make another client wait behind them (workers take connections in turn), and past
CHARTD_MAX_IN_FLIGHT that one connection gets `busy` at once while the other is served.
Every request is answered exactly once."""
import asyncio
import json
import time

from chartd_harness import BAR_SPEC, Server, check, connect, eq, recv_json, run

FLOOD = 1000


def request(rid):
    # PNG: ~8 KB a reply, so the whole flood (~8 MB) stays under the 20 MB a connection may have
    # queued unread (src/outbound.c drops a slower reader; an SVG reply is ~50 KB)
    return json.dumps({"type": "chart.request", "id": rid, "spec": BAR_SPEC, "format": "png",
                       "width": 160, "height": 120})


async def finals(ws, ids, out, stop_after=None):
    """Reads until every id in ids has its final message; out[id] = message."""
    while len(out) < len(ids):
        msg = await recv_json(ws, 60)
        if msg.get("type") == "progress":
            continue
        rid = msg.get("id")
        check(rid in ids, f"reply for an unknown id {rid!r}")
        check(rid not in out, f"a second final reply for {rid}")
        out[rid] = msg


async def flood_and_one(server):
    """Connection A sends FLOOD requests at once; then B sends one. Returns (A's finals when B's
    chart came, A's finals, B's final, B's wait)."""
    async with connect(server) as a, connect(server) as b:
        await recv_json(a)
        await recv_json(b)
        ids = [f"a{i}" for i in range(FLOOD)]
        a_out = {}
        # A reads while it sends, as a client should
        reader = asyncio.create_task(finals(a, set(ids), a_out))
        for rid in ids:
            await a.send(request(rid))
        t0 = time.monotonic()
        await b.send(request("b"))
        b_out = {}
        await finals(b, {"b"}, b_out)
        waited = time.monotonic() - t0
        done_when_b = len(a_out)
        await asyncio.wait_for(reader, 120)
        return done_when_b, a_out, b_out["b"], waited


async def main():
    # Round-robin: with a cap high enough to queue the whole flood, B is still served in turn.
    with Server(env={"CHARTD_MAX_IN_FLIGHT": "1024"}, workers=2) as s:
        done_when_b, a_out, b_final, waited = await flood_and_one(s)
        eq(b_final["type"], "chart", "B's request")
        charts = sum(1 for m in a_out.values() if m["type"] == "chart")
        eq(charts, FLOOD, "every flooded request drawn")
        check(done_when_b < FLOOD // 2, f"B served in turn, not after the flood ({done_when_b} of A's were done)")
        print(f"round-robin: B answered after {waited:.2f}s with {done_when_b}/{FLOOD} of A's done")

    # The cap: past 64 in flight (the default), A gets busy at once; B is served.
    with Server(workers=2) as s:
        done_when_b, a_out, b_final, waited = await flood_and_one(s)
        eq(b_final["type"], "chart", "B's request with A over its cap")
        busy = [m for m in a_out.values() if m.get("code") == "busy"]
        charts = sum(1 for m in a_out.values() if m["type"] == "chart")
        eq(len(busy) + charts, FLOOD, "every flooded request answered: a chart or busy")
        check(charts >= 64 and len(busy) >= FLOOD // 2, f"{charts} charts, {len(busy)} busy")
        check(all("CHARTD_MAX_IN_FLIGHT" in m["message"] and m["retryable"] for m in busy),
              f"busy names the limit: {busy[0]}")
        print(f"cap: {charts} charts, {len(busy)} busy; B answered after {waited:.2f}s")


run(main)
