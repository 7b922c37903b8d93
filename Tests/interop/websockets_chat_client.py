"""Drives chatserver with Python's `websockets` client (a client no one here wrote).

Usage: websockets_chat_client.py WS_URL
Connects alice and bob, exercises join, say, whisper, users, a bad frame and a refused name,
and prints one JSON object with what it observed; exits non-zero on any protocol surprise.
"""
import asyncio
import json
import sys

import websockets


async def recv(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=10))


async def main(url):
    seen = {}
    async with websockets.connect(f"{url}?name=alice&room=lobby") as alice:
        seen["alice_welcome"] = await recv(alice)
        seen["alice_joined"] = await recv(alice)
        seen["alice_history"] = await recv(alice)
        async with websockets.connect(f"{url}?name=bob") as bob:
            seen["bob_welcome"] = await recv(bob)
            await bob.send(json.dumps({"type": "join", "room": "lobby", "id": "j1"}))
            seen["bob_joined"] = await recv(bob)
            seen["bob_history"] = await recv(bob)
            seen["alice_presence"] = await recv(alice)
            await alice.send(json.dumps({"type": "say", "room": "lobby", "content": "héllo 👋", "id": "m1"}))
            seen["alice_echo"] = await recv(alice)
            seen["bob_message"] = await recv(bob)
            await bob.send(json.dumps({"type": "whisper", "to": "alice", "content": "psst", "id": "w1"}))
            seen["alice_whisper"] = await recv(alice)
            seen["bob_whisper_echo"] = await recv(bob)
            await bob.send(json.dumps({"type": "users", "room": "lobby"}))
            seen["bob_users"] = await recv(bob)
            await bob.send("{broken")
            seen["bob_error"] = await recv(bob)
            try:
                async with websockets.connect(f"{url}?name=alice"):
                    seen["duplicate"] = "accepted"
            except websockets.exceptions.InvalidStatus as error:
                seen["duplicate"] = {"status": error.response.status_code,
                                     "body": json.loads(error.response.body.decode())}
        seen["alice_bob_left"] = await recv(alice)
        await alice.close(code=4000, reason="done")
        seen["alice_close_code"] = alice.close_code
    print(json.dumps(seen, sort_keys=True))


asyncio.run(main(sys.argv[1]))
