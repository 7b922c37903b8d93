"""A small JSON publish/subscribe chat server, written for chatctl's json-adapter tests: its protocol is nothing like
chatkit's, so a scenario must map it (docs/protocols.md).

Client frames:
  {"op":"hello","user":NAME}                         who this connection is (for direct messages)
  {"op":"subscribe","channel":C}                     answered {"op":"subscribed","channel":C}; the channel's other
                                                     subscribers get {"op":"presence","channel":C,"who":NAME}
  {"op":"unsubscribe","channel":C}                   answered {"op":"unsubscribed","channel":C}
  {"op":"publish","channel":C,"data":{"text":T}}     every subscriber of C, the publisher too, gets
                                                     {"op":"event","channel":C,"from":NAME,"data":{"text":T}}
  {"op":"direct","to":NAME,"data":{"text":T}}        the recipient and the sender get
                                                     {"op":"dm","from":SENDER,"to":NAME,"data":{"text":T}}
Anything else is answered {"op":"fail","reason":...}.
With --tokens FILE (a JSON object {name: token}), the handshake must offer the subprotocol "pubsub.v1", name the
user in the query (?user=NAME) and carry "Authorization: Bearer TOKEN" with that user's token; else it is refused
with HTTP 401.
Fault injection: a published text containing "#drop-me" is delivered, then the publisher's connection is closed
(code 4000).
Prints the port it listens on (127.0.0.1), serves until stdin closes, then prints one JSON line of what it did:
{"published": publishes, "delivered": event frames sent, "direct": direct messages, "dropped": connections dropped,
 "accepted": handshakes accepted, "refused": handshakes refused}.
"""
import argparse
import asyncio
import http
import json
import sys
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import serve

channels = {}  # channel -> set of connections
names = {}  # name -> connection
stats = {"published": 0, "delivered": 0, "direct": 0, "dropped": 0, "accepted": 0, "refused": 0}


def frame(**fields):
    return json.dumps(fields, separators=(",", ":"))


async def handler(ws):
    name = None
    joined = set()
    try:
        async for message in ws:
            try:
                request = json.loads(message)
                op = request["op"]
            except (ValueError, KeyError, TypeError):
                await ws.send(frame(op="fail", reason="expected a JSON object with an op"))
                continue
            if op == "hello":
                name = str(request.get("user", ""))
                names[name] = ws
            elif op == "subscribe":
                channel = str(request.get("channel", ""))
                for other in channels.get(channel, set()):
                    await other.send(frame(op="presence", channel=channel, who=name))
                channels.setdefault(channel, set()).add(ws)
                joined.add(channel)
                await ws.send(frame(op="subscribed", channel=channel))
            elif op == "unsubscribe":
                channel = str(request.get("channel", ""))
                channels.get(channel, set()).discard(ws)
                joined.discard(channel)
                await ws.send(frame(op="unsubscribed", channel=channel))
            elif op == "publish":
                channel = str(request.get("channel", ""))
                text = str((request.get("data") or {}).get("text", ""))
                stats["published"] += 1
                event = frame(op="event", channel=channel, **{"from": name}, data={"text": text})
                for member in list(channels.get(channel, set())):
                    try:
                        await member.send(event)
                        stats["delivered"] += 1
                    except Exception:
                        pass
                if "#drop-me" in text:
                    stats["dropped"] += 1
                    await ws.close(4000, "dropped by the test server")
                    return
            elif op == "direct":
                to = str(request.get("to", ""))
                target = names.get(to)
                if target is None:
                    await ws.send(frame(op="fail", reason=f"no user {to}"))
                    continue
                stats["direct"] += 1
                dm = frame(op="dm", **{"from": name}, to=to, data={"text": str((request.get("data") or {}).get("text", ""))})
                await target.send(dm)
                if target is not ws:
                    await ws.send(dm)
            else:
                await ws.send(frame(op="fail", reason=f"unknown op {op}"))
    except Exception:
        pass
    finally:
        for channel in joined:
            channels.get(channel, set()).discard(ws)
        if name is not None and names.get(name) is ws:
            del names[name]


def checker(tokens):
    def check(connection, request):
        if tokens is None:
            stats["accepted"] += 1
            return None
        user = parse_qs(urlsplit(request.path).query).get("user", [""])[0]
        offered = request.headers.get("Sec-WebSocket-Protocol", "")
        if (tokens.get(user) is None or request.headers.get("Authorization") != f"Bearer {tokens[user]}"
                or "pubsub.v1" not in [p.strip() for p in offered.split(",")]):
            stats["refused"] += 1
            return connection.respond(http.HTTPStatus.UNAUTHORIZED, "bad user, token or subprotocol\n")
        stats["accepted"] += 1
        return None
    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", help="a JSON file {name: token}: handshakes must present their token")
    args = parser.parse_args()
    tokens = json.load(open(args.tokens)) if args.tokens else None
    async with serve(handler, "127.0.0.1", 0, max_size=2**20, ping_interval=None, process_request=checker(tokens),
                     subprotocols=["pubsub.v1"] if tokens is not None else None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(json.dumps(stats), flush=True)


asyncio.run(main())
