"""A Python `websockets` server that accepts every connection and never sends: it reads and drops every
message (it still answers pings and closes). Against it every raw send stays in flight, so a test can watch
chatctl's drain wait.

Usage: websockets_sink_server.py
Prints the port it listens on (127.0.0.1). Exits when stdin closes.
"""
import asyncio
import sys

import websockets


async def handler(ws):
    async for _ in ws:
        pass


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=2**20) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


asyncio.run(main())
