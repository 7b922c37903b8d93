"""A server that accepts every WebSocket upgrade and drops TCP right after its 101 response, as kosoku's
fuzzing server does on /updateReports. For testing that ChatKit's client reports such a connection as
closed instead of waiting forever.

With --answer TEXT, the 101 is followed, in the same write, by a text message TEXT and a close frame (1000),
then TCP is dropped: what kosoku's fuzzing server does on /getCaseCount. For testing that the client delivers
the answer before the close.

Usage: drop_after_upgrade_server.py [--answer TEXT]
Prints the port it listens on (127.0.0.1), then serves until stdin closes.
"""
import asyncio
import base64
import hashlib
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


ANSWER = sys.argv[2].encode() if len(sys.argv) > 2 and sys.argv[1] == "--answer" else None


def frame(opcode, payload):
    """An unmasked frame (server to client) with a payload under 126 bytes."""
    assert len(payload) < 126
    return bytes([0x80 | opcode, len(payload)]) + payload


async def handle(reader, writer):
    try:
        request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError):
        writer.close()
        return
    key = ""
    for line in request.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    writer.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        + (frame(0x1, ANSWER) + frame(0x8, (1000).to_bytes(2, "big")) if ANSWER is not None else b"")
    )
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


asyncio.run(main())
