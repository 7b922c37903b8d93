"""A small Socket.IO chat app (python-socketio 5 on aiohttp), written for chatctl's socketio-adapter tests.

A client connects with auth {"name": NAME} (optionally {"token": T} too, checked against --tokens-file when given).
Events (the defaults of chatctl's socketio adapter, docs/protocols.md):
  join ROOM                      enters the room; acknowledged with True; the room's others get
                                 presence {"room": ROOM, "name": NAME}
  leave ROOM                     leaves the room
  message {"room","text"}        everyone in the room, the sender too, gets message {"room","from","text"}
  private message {"to","text"}  the recipient and the sender get private message {"from","to","text"}
Fault injection: a message whose text contains "#drop-me" is delivered, then (after 200 ms, so the copies are
written) the sender is disconnected.
Pings every --ping-interval seconds (default 0.5), so a client that does not answer them is dropped within a run.
Prints the port it listens on (127.0.0.1), serves until stdin closes, then prints one JSON line of what it did:
{"connected": connections accepted, "refused": connections refused, "messages": message events,
 "delivered": message copies sent, "private": private messages, "dropped": connections dropped}.
"""
import argparse
import asyncio
import json
import sys

import socketio
from aiohttp import web

stats = {"connected": 0, "refused": 0, "messages": 0, "delivered": 0, "private": 0, "dropped": 0}


def build(ping_interval, tokens):
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=ping_interval, ping_timeout=ping_interval * 2,
                               transports=["websocket"])
    names = {}  # name -> sid

    @sio.event
    async def connect(sid, environ, auth):
        auth = auth or {}
        name = str(auth.get("name", ""))
        if not name or (tokens is not None and tokens.get(name) != auth.get("token")):
            stats["refused"] += 1
            raise socketio.exceptions.ConnectionRefusedError("bad name or token")
        stats["connected"] += 1
        await sio.save_session(sid, {"name": name})
        names[name] = sid

    @sio.event
    async def disconnect(sid, *args):
        session = await sio.get_session(sid)
        if names.get(session.get("name")) == sid:
            del names[session["name"]]

    @sio.on("join")
    async def join(sid, room):
        session = await sio.get_session(sid)
        await sio.emit("presence", {"room": room, "name": session["name"]}, room=str(room))
        await sio.enter_room(sid, str(room))
        return True

    @sio.on("leave")
    async def leave(sid, room):
        await sio.leave_room(sid, str(room))

    @sio.on("message")
    async def message(sid, data):
        session = await sio.get_session(sid)
        room = str(data.get("room", ""))
        text = str(data.get("text", ""))
        stats["messages"] += 1
        stats["delivered"] += len(list(sio.manager.get_participants("/", room)))
        await sio.emit("message", {"room": room, "from": session["name"], "text": text}, room=room)
        if "#drop-me" in text:
            stats["dropped"] += 1
            await asyncio.sleep(0.2)
            await sio.disconnect(sid)

    @sio.on("private message")
    async def private_message(sid, data):
        session = await sio.get_session(sid)
        target = names.get(str(data.get("to", "")))
        if target is None:
            await sio.emit("error", {"text": "no such user"}, to=sid)
            return
        stats["private"] += 1
        payload = {"from": session["name"], "to": data.get("to"), "text": str(data.get("text", ""))}
        await sio.emit("private message", payload, to=target)
        if target != sid:
            await sio.emit("private message", payload, to=sid)

    return sio


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ping-interval", type=float, default=0.5)
    parser.add_argument("--tokens", help="a JSON file {name: token}: connections must present their token")
    args = parser.parse_args()
    tokens = json.load(open(args.tokens)) if args.tokens else None
    sio = build(args.ping_interval, tokens)
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    print(json.dumps(stats), flush=True)


asyncio.run(main())
