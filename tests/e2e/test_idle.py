"""Idle WebSockets: after CHARTD_IDLE_PING seconds of silence the server pings; a client that
answers (any WebSocket library does) stays connected, one that stays silent is dropped after
CHARTD_IDLE_TIMEOUT seconds; the open-connection gauge returns to what is really open."""
import asyncio
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import RawWS, Server, check, connect, eq, recv_json, run  # noqa: E402


def dropped_after(raw, limit):
    """Seconds until the server closed the silent socket (pings seen on the way are not answered)."""
    t0 = time.monotonic()
    pings = 0
    raw.sock.settimeout(limit)
    try:
        while True:
            _, opcode, _ = raw.recv_frame()
            if opcode == 9:
                pings += 1
    except Exception as e:  # the server closed the socket (EOF or reset)
        if isinstance(e, socket.timeout):
            raise
    return time.monotonic() - t0, pings


async def main():
    with Server(env={"CHARTD_IDLE_PING": "1", "CHARTD_IDLE_TIMEOUT": "3"}) as s:
        async with connect(s) as ws:  # python-websockets answers pings by itself
            await recv_json(ws)
            raw = RawWS(s.port)
            _, opcode, _ = raw.recv_frame()  # hello
            eq(opcode, 1, "hello text frame")
            s.wait_metric("chartd_connections_open", 2)
            took, pings = await asyncio.get_running_loop().run_in_executor(None, dropped_after, raw, 10)
            check(pings >= 1, f"the silent client was pinged ({pings} pings)")
            check(2.0 <= took <= 6.0, f"silent client dropped after {took:.1f} s (timeout 3 s)")
            # the answering client outlived the silent one and still works
            await ws.send('{"type":"ping"}')
            eq(await recv_json(ws), {"type": "pong"}, "answering client still served")
            s.wait_metric("chartd_connections_open", 1)
        s.wait_metric("chartd_connections_open", 0)


if __name__ == "__main__":
    run(main)
