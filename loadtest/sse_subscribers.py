#!/usr/bin/env python3
"""Opens N live seat-map subscribers (GET /v1/shows/{id}/seatmap/events) on loopback and keeps them
reading, for loadtest/bench-seatmap-events.sh. One asyncio loop, no thread per stream.

  sse_subscribers.py PORT SHOW N STATUS_FILE

Writes "connected=<streams with their first snapshot> events=<events read> closed=<streams the
server ended>" to STATUS_FILE once a second; runs until killed (SIGTERM).
"""
import asyncio
import signal
import sys

PORT, SHOW, N, STATUS = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
state = {"connected": 0, "events": 0, "closed": 0, "failed": 0}


async def subscriber(sem):
    async with sem:  # bounds the connects in flight (the listen backlog)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        except OSError:
            state["failed"] += 1
            return
        writer.write(f"GET /v1/shows/{SHOW}/seatmap/events HTTP/1.1\r\nHost: bench\r\n"
                     "Accept: text/event-stream\r\nConnection: keep-alive\r\n\r\n".encode())
        await writer.drain()
    first = True
    try:
        while True:
            data = await reader.read(262144)
            if not data:
                state["closed"] += 1
                return
            # Counting "\n\n" is enough here: it ends every event (a split across reads is rare and
            # only shifts a count by one).
            n = data.count(b"\n\n")
            if first and b"event: snapshot" in data:
                first = False
                state["connected"] += 1
            state["events"] += n
    except (ConnectionError, OSError):
        state["closed"] += 1


async def report():
    while True:
        with open(STATUS, "w") as f:
            f.write(" ".join(f"{k}={v}" for k, v in state.items()) + "\n")
        await asyncio.sleep(1)


async def main():
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    sem = asyncio.Semaphore(512)
    tasks = [asyncio.create_task(subscriber(sem)) for _ in range(N)]
    tasks.append(asyncio.create_task(report()))
    await stop
    for t in tasks:
        t.cancel()


asyncio.run(main())
