"""A Python `websockets` echo server for testing ChatKit's client against a server no one here wrote.

Usage: websockets_echo_server.py
Prints the port it listens on (127.0.0.1), then echoes every message. A text message "headers"
is answered with the JSON of the handshake request headers; "subprotocol" with the chosen subprotocol.
Offers the subprotocol "chat.v1". Exits when stdin closes.
"""
import asyncio
import json
import sys

import websockets


async def handler(ws):
    async for message in ws:
        if message == "headers":
            await ws.send(json.dumps(dict(ws.request.headers.raw_items())))
        elif message == "subprotocol":
            await ws.send(ws.subprotocol or "")
        else:
            await ws.send(message)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat.v1"], max_size=2**20) as server:
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
