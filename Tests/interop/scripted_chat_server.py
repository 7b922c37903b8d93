"""A WebSocket server that sends each new connection a fixed list of text frames, then ends it, for testing
what `chatctl listen` does with frames a ChatKit server would never send (control characters in names and
rooms) and with a server that goes away.

Usage: scripted_chat_server.py FRAMES.json [close CODE REASON | drop | wait]
FRAMES.json is a JSON array of strings, each sent as one text frame. Then: `close` sends a close frame with
CODE and REASON; `drop` closes TCP without a close frame; `wait` (the default) keeps the connection open.
Prints the port it listens on (127.0.0.1), then serves until stdin closes.
"""
import asyncio
import json
import sys

import websockets

FRAMES = json.load(open(sys.argv[1], encoding="utf-8"))
THEN = sys.argv[2] if len(sys.argv) > 2 else "wait"


async def handler(ws):
    for frame in FRAMES:
        await ws.send(frame)
    if THEN == "close":
        await ws.close(int(sys.argv[3]), sys.argv[4])
    elif THEN == "drop":
        ws.transport.close()
    else:
        await ws.wait_closed()


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
