"""A plain broadcast WebSocket server, written for chatctl's raw-mode tests, that frames copies as real servers do.

Usage: raw_broadcast_server.py --style batch|json [--flush-ms N]
  batch  Like gorilla/websocket's chat example under load: every text received goes to every connection, and
         whatever is queued for a connection is written as one text frame, the messages joined with "\\n". To batch
         deterministically, queued messages are flushed every --flush-ms milliseconds (default 20).
  json   Like the Go chat room chatkit started from: each text goes to every connection in its own frame, wrapped as
         {"ip":…,"type":"broadcast","user":…,"from":…,"FromIp":…,"content":"<the text>"}. A connection's
         arrival is announced to the others as {"type":"join",…} (a frame without a marker).
Prints the port it listens on (127.0.0.1), serves until stdin closes, then prints one JSON line of what it did:
{"received": texts received, "frames": text frames sent, "lines": messages in them,
 "batchedFrames": frames holding more than one message}.
"""
import argparse
import asyncio
import json
import sys

from websockets.asyncio.server import serve
from websockets.protocol import State

clients = set()
pending = []
stats = {"received": 0, "frames": 0, "lines": 0, "batchedFrames": 0}


def envelope(ws, kind, content):
    host, port = ws.remote_address[:2]
    user = f"user{port}"
    return json.dumps({"ip": host, "type": kind, "user": user, "from": user, "FromIp": f"{host}:{port}",
                       "content": content}, separators=(",", ":"))


def encoded(text):
    """One unmasked, unfragmented text frame, encoded once for every connection (websockets' broadcast() encodes it
    per connection, too slow in Python for 1000 users × 200 msg/s)."""
    payload = text.encode()
    length = len(payload)
    if length < 126:
        header = bytes([0x81, length])
    elif length < 65536:
        header = bytes([0x81, 126]) + length.to_bytes(2, "big")
    else:
        header = bytes([0x81, 127]) + length.to_bytes(8, "big")
    return header + payload


def send_to_all(text, lines):
    targets = [ws for ws in clients if ws.state is State.OPEN]
    frame = encoded(text)
    for ws in targets:
        ws.transport.write(frame)
    stats["frames"] += len(targets)
    stats["lines"] += len(targets) * lines
    if lines > 1:
        stats["batchedFrames"] += len(targets)


async def flush_every(milliseconds):
    while True:
        await asyncio.sleep(milliseconds / 1000)
        if pending:
            batch = pending[:]
            pending.clear()
            send_to_all("\n".join(batch), len(batch))


def handler_for(style):
    async def handler(ws):
        if style == "json":
            send_to_all(envelope(ws, "join", ""), 1)
        clients.add(ws)
        try:
            async for message in ws:
                if not isinstance(message, str):
                    continue
                stats["received"] += 1
                if style == "json":
                    send_to_all(envelope(ws, "broadcast", message), 1)
                else:
                    pending.append(message)
        finally:
            clients.discard(ws)
    return handler


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", choices=["batch", "json"], required=True)
    parser.add_argument("--flush-ms", type=float, default=20)
    args = parser.parse_args()
    flusher = asyncio.create_task(flush_every(args.flush_ms)) if args.style == "batch" else None
    async with serve(handler_for(args.style), "127.0.0.1", 0, max_size=2**20, ping_interval=None,
                     max_queue=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    if flusher:
        flusher.cancel()
    print(json.dumps(stats), flush=True)


asyncio.run(main())
