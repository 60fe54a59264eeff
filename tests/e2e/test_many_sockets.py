"""Many sockets: 500 clients that complete the handshake and go silent are reaped by the idle
policy; with `ulimit -n 256`, of 300 connection attempts those beyond the fds lws may use
(ulimit - 64) get no handshake — they wait in the kernel's accept backlog until they give up,
since lws stops accepting below the limit instead of spinning on EMFILE (docs/STACK.md) — with
no crash and no CPU spin while the others are held, and the server serves again once they
close. (MAX_CONCURRENT_CONNECTIONS, which answers 1013, is the limit meant to bite first.)"""
import asyncio
import concurrent.futures
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chartd_harness import RawWS, Server, check, connect, eq, recv_json, run  # noqa: E402


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def still_serves(s, what):
    async with connect(s) as ws:
        eq((await recv_json(ws))["type"], "hello", f"{what}: a new client gets hello")
        await ws.send('{"type":"ping"}')
        eq(await recv_json(ws), {"type": "pong"}, f"{what}: and pong")


async def silent_sockets_are_reaped():
    env = {"CHARTD_IDLE_PING": "1", "CHARTD_IDLE_TIMEOUT": "3", "MAX_CONCURRENT_CONNECTIONS": "1000"}
    with Server(env=env) as s:
        t0 = time.monotonic()
        socks = [RawWS(s.port) for _ in range(500)]
        print(f"500 handshakes in {time.monotonic() - t0:.1f} s")
        s.wait_metric("chartd_connections_open", 500, timeout=10)
        t0 = time.monotonic()
        s.wait_metric("chartd_connections_open", 0, timeout=15)
        check(time.monotonic() - t0 < 12, "500 silent sockets reaped")
        for r in socks:
            r.close()
        await still_serves(s, "after 500 silent sockets")


async def fd_limit_refuses_cleanly():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # inherited by the server only
    try:
        s = Server(env={"MAX_CONCURRENT_CONNECTIONS": "1000"}, ready=False)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with s:
        s.wait_ready()
        def attempt(_):
            try:
                return RawWS(s.port, timeout=1)
            except Exception:  # no handshake in time (left in the backlog), reset or closed
                return None
        with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
            results = list(pool.map(attempt, range(300)))
        held = [r for r in results if r is not None]
        refused = len(results) - len(held)
        print(f"300 attempts under ulimit -n 256: {len(held)} held, {refused} refused")
        check(refused > 0, f"some of 300 attempts refused under ulimit -n 256 ({refused})")
        check(len(held) > 100, f"most of the fds serve connections ({len(held)} held)")
        cpu0 = cpu_seconds(s.proc.pid)
        time.sleep(2)
        used = cpu_seconds(s.proc.pid) - cpu0
        check(used < 0.5, f"no CPU spin at the fd limit: {used:.2f} s of CPU in 2 s")
        eq(s.proc.poll(), None, "the server is still running")
        for r in held:
            r.close()
        s.wait_metric("chartd_connections_open", 0, timeout=10)
        await still_serves(s, "after the fd limit")


async def main():
    t0 = time.monotonic()
    await silent_sockets_are_reaped()
    print(f"part 1: {time.monotonic() - t0:.1f} s")
    await fd_limit_refuses_cleanly()
    print(f"part 2: {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    run(main)
