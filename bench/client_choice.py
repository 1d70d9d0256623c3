"""Which websockets client should drive the probe session? Prints, measured in one run:
round trip and connect cost of the sync client, of the asyncio client driven from synchronous
code with run_until_complete (how the suite uses it), and of a pure asyncio loop (the floor).

    .venv/bin/python bench/client_choice.py
"""

from __future__ import annotations

import asyncio
import threading
import time

from websockets.asyncio.client import connect as async_connect
from websockets.asyncio.server import serve
from websockets.sync.client import connect as sync_connect

N_RTT = 5000
N_CONN = 300


def start_echo_server() -> tuple[int, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    ready: list[int] = []
    started = threading.Event()

    async def echo(ws) -> None:
        async for msg in ws:
            await ws.send(msg)

    async def main() -> None:
        async with serve(echo, "127.0.0.1", 0, compression=None) as server:
            ready.append(server.sockets[0].getsockname()[1])
            started.set()
            await asyncio.Future()

    threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True).start()
    started.wait(5)
    return ready[0], loop


def per_op_us(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    port, _ = start_echo_server()
    url = f"ws://127.0.0.1:{port}"

    with sync_connect(url, compression=None) as ws:

        def sync_rtt() -> None:
            ws.send("x")
            ws.recv(timeout=5)

        sync_rtt_us = per_op_us(sync_rtt, N_RTT)

    def sync_conn() -> None:
        with sync_connect(url, compression=None):
            pass

    sync_conn_us = per_op_us(sync_conn, N_CONN)

    loop = asyncio.new_event_loop()
    ws_a = loop.run_until_complete(async_connect(url, compression=None))

    async def one_rtt() -> None:
        await ws_a.send("x")
        await asyncio.wait_for(ws_a.recv(), 5)

    driven_rtt_us = per_op_us(lambda: loop.run_until_complete(one_rtt()), N_RTT)

    async def many_rtt() -> float:
        start = time.perf_counter()
        for _ in range(N_RTT):
            await one_rtt()
        return (time.perf_counter() - start) / N_RTT * 1e6

    pure_rtt_us = loop.run_until_complete(many_rtt())

    async def one_conn() -> None:
        ws = await async_connect(url, compression=None)
        await ws.close()

    driven_conn_us = per_op_us(lambda: loop.run_until_complete(one_conn()), N_CONN)
    loop.run_until_complete(ws_a.close())

    print(f"{'client':38} {'round trip µs':>14} {'connect+close µs':>17}")
    print(f"{'sync':38} {sync_rtt_us:14.1f} {sync_conn_us:17.1f}")
    print(f"{'asyncio, run_until_complete per op':38} {driven_rtt_us:14.1f} {driven_conn_us:17.1f}")
    print(f"{'asyncio, pure loop (floor)':38} {pure_rtt_us:14.1f} {'':>17}")
    print(
        f"ratio driven/sync round trip: {driven_rtt_us / sync_rtt_us:.2f}; "
        f"connect: {driven_conn_us / sync_conn_us:.2f}"
    )


if __name__ == "__main__":
    main()
