#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets into Tests/fuzz/corpus/<target>/ (docs/fuzzing.md).

Run it after changing a seed here; it only rewrites files named `seed-*`, so crash reproducers
(`crash-*`, `regression-*`) and the copies of scenarios/*.json stay as they are.
"""
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "Tests" / "fuzz" / "corpus"
SEPARATOR = b"\n--next-connection--\n"  # FuzzInputLayout.separator
KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # 16 bytes in base64


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (directory / f"seed-{name}").write_bytes(data)


def frame(payload, opcode=0x1, fin=True, mask=b"\0\0\0\0"):
    """A masked client frame; the zero mask key keeps the payload readable in the file."""
    if isinstance(payload, str):
        payload = payload.encode()
    first = (0x80 if fin else 0) | opcode
    if len(payload) < 126:
        header = bytes([first, 0x80 | len(payload)])
    else:
        header = bytes([first, 0x80 | 126]) + struct.pack(">H", len(payload))
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


def text(obj):
    return frame(json.dumps(obj, separators=(",", ":")))


def request(method, target, headers=(), body=b"", version="HTTP/1.1"):
    lines = [f"{method} {target} {version}", "Host: chat.example"] + list(headers)
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def upgrade(query, extra=()):
    return request("GET", f"/ws?{query}", [
        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", f"Sec-WebSocket-Key: {KEY}",
    ] + list(extra))


ADMIN = ["Authorization: Bearer fuzz-token"]


def chat_frames():
    client = {
        "join": {"type": "join", "room": "lobby", "id": "1"},
        "join-no-id": {"type": "join", "room": "lobby"},
        "leave": {"type": "leave", "room": "lobby", "id": "2"},
        "say": {"type": "say", "room": "lobby", "content": "hello everyone", "id": "m1"},
        "say-unicode": {"type": "say", "room": "caf\u00e9", "content": "gr\u00fc\u00dfe \U0001F600 \u2028", "id": None},
        "whisper": {"type": "whisper", "to": "bob", "content": "psst", "id": "w1"},
        "users": {"type": "users", "room": "lobby", "id": "u1"},
        "missing-type": {"room": "lobby", "id": "x"},
        "unknown-type": {"type": "dance", "id": "x"},
        "missing-room": {"type": "join", "id": "x"},
        "bad-room": {"type": "join", "room": 5, "id": "x"},
        "bad-id": {"type": "join", "room": "a", "id": 7},
        "bad-type": {"type": ["say"]},
        "missing-content": {"type": "say", "room": "a"},
        "missing-to": {"type": "whisper", "content": "a"},
    }
    for name, obj in client.items():
        write("FuzzChatFrames", f"client-{name}.json", json.dumps(obj))
    for name, data in {
        "not-json": "hello", "array": "[1,2,3]", "string": '"join"', "empty": "", "truncated": '{"type":"jo',
        "escapes": '{"type":"say","room":"a\\u0062","content":"\\ud83d\\ude00\\n\\u0000","id":"\\/"}',
        "duplicate-keys": '{"type":"join","room":"a","room":"b"}', "deep": "[" * 300 + "]" * 300,
        "numbers": '{"type":"say","room":"a","content":"x","id":"1","seq":1e400}',
    }.items():
        write("FuzzChatFrames", f"raw-{name}.txt", data)
    message = {"room": "lobby", "from": "alice", "content": "hi", "id": "m1", "seq": 42, "ts": 1732740010123}
    server = {
        "welcome": {"type": "welcome", "name": "alice"},
        "joined": {"type": "joined", "room": "lobby", "name": "alice", "seq": 40, "id": "j1"},
        "left": {"type": "left", "room": "lobby", "seq": 41},
        "history": {"type": "history", "room": "lobby", "messages": [message], "id": "j1"},
        "message": dict(message, type="message"),
        "whisper": {"type": "whisper", "from": "alice", "to": "bob", "content": "psst", "ts": 1, "id": "w1"},
        "presence": {"type": "presence", "room": "lobby", "name": "bob", "event": "join"},
        "users": {"type": "users", "room": "lobby", "names": ["alice", "bob"], "id": "u1"},
        "error": {"type": "error", "code": "not_in_room", "message": "not in room \"x\"", "id": "s1"},
        "seq-float": {"type": "left", "room": "lobby", "seq": 41.0},
    }
    for name, obj in server.items():
        write("FuzzChatFrames", f"server-{name}.json", json.dumps(obj))


def scenarios():
    for path in sorted((ROOT / "scenarios").glob("*.json")):
        if path.name != "scenario.schema.json":
            shutil.copyfile(path, CORPUS / "FuzzScenario" / f"shipped-{path.name}")
    base = {"name": "fuzz", "groups": [{"name": "u", "count": 3, "rooms": ["room-{i%2}"]}],
            "phases": [{"type": "rampUp", "duration": "1s"}, {"type": "hold", "duration": "500ms"}]}
    variants = {
        "minimal": base,
        "arrivals-ramp": dict(base, phases=[{"type": "rampUp", "duration": "1s"}, {
            "type": "arrivals", "duration": "2s", "from": "10/s", "to": "1/m", "action": "whisper", "size": 16}]),
        "arrivals-rate": dict(base, seed=7, phases=[{"type": "arrivals", "duration": "1.5s", "rate": "20/s",
                                                     "group": "u", "text": "hi"}]),
        "script": dict(base, groups=[{"name": "g", "count": 2, "namePattern": "peer-{i+1%100}", "rooms": ["r{i/2}"],
                                      "script": [{"join": "extra"}, {"say": {"room": "extra", "count": 3, "rate": "5/s"}},
                                                 {"whisper": {"to": "random:peer-*", "text": "x"}},
                                                 {"wait": {"min": "10ms", "max": "20ms"}}, {"wait": "1s"},
                                                 {"expect": {"type": "message", "contains": "x", "timeout": "2s"}},
                                                 {"http": {"method": "post", "url": "/admin/stats", "status": 200,
                                                           "headers": {"X": "y"}, "body": "{}"}},
                                                 {"repeat": {"times": 2, "steps": [{"repeat": {"times": 3, "steps": [
                                                     {"leave": "extra"}]}}]}}]}],
                       phases=[{"type": "script", "duration": "5s"}]),
        "raw-whisper": dict(base, protocol="raw", phases=[{"type": "arrivals", "duration": "1s", "rate": "1/s",
                                                           "action": "whisper"}]),
        "thresholds": dict(base, thresholds={"latency.broadcast.p99.9": "< 50ms", "connect.errors": "< 1%",
                                             "errors.rate_limited": "== 0", "delivery.lost": "<= 2",
                                             "latency.echo.p50": "0"}),
        "reconnect-admin": dict(base, target="ws://127.0.0.1:8080/ws", admin={"url": "http://127.0.0.1:8080",
                                "token": "t"}, reconnect={"attempts": 2, "backoff": "100ms", "maxBackoff": "1s"},
                                connectTimeout="3s", drain="1s", description="all fields"),
        "bad-everything": {"name": 3, "groups": [{"count": 0, "namePattern": "{j}"}], "phases": [{"type": "sprint"}],
                           "thresholds": {"nope": 1}, "extra": True},
        "bad-units": dict(base, phases=[{"type": "hold", "duration": "10 s"}, {"type": "arrivals",
                                                                                 "duration": "1x", "rate": "fast"}]),
        "duplicate-names": dict(base, groups=[{"name": "a", "count": 2, "namePattern": "x{i%1}"}]),
    }
    for name, obj in variants.items():
        write("FuzzScenario", f"{name}.json", json.dumps(obj, indent=1))
    write("FuzzScenario", "not-json.txt", "{\"name\": ")


def http():
    seeds = {
        "healthz": request("GET", "/healthz"),
        "head-healthz": request("HEAD", "/healthz"),
        "pipelined": request("GET", "/readyz") + request("POST", "/healthz") + request("GET", "/nope?x=1")
        + request("GET", "/healthz", ["Connection: close"]),
        "http10": request("GET", "/healthz", version="HTTP/1.0"),
        "admin-stats": request("GET", "/admin/stats", ADMIN),
        "admin-no-token": request("GET", "/admin/rooms"),
        "admin-wrong-token": request("GET", "/admin/rooms", ["Authorization: Bearer nope"]),
        "admin-unknown": request("GET", "/admin/rooms/lobby/users", ADMIN) + request("DELETE", "/admin/users/zed", ADMIN)
        + request("PUT", "/admin/stats", ADMIN) + request("GET", "/admin/what", ADMIN),
        "admin-announce-bad": request("POST", "/admin/rooms/lobby/messages", ADMIN, b"not json")
        + request("POST", "/admin/rooms/lobby/messages", ADMIN)
        + request("POST", "/admin/rooms/lobby/messages", ADMIN, b'{"content":"' + b"x" * 100 + b'"}'),
        "admin-chunked": b"POST /admin/rooms/lobby/messages HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer fuzz-token\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"con\r\n10\r\ntent\":\"hello\"}  \r\n0\r\n\r\n",
        "body-too-large": request("POST", "/admin/rooms/lobby/messages", ADMIN, b"{" + b" " * 600 + b"}"),
        "malformed-line": b"GARBAGE\r\n\r\n",
        "malformed-header": b"GET / HTTP/1.1\r\nHost\r\n\r\n",
        "http2": b"GET /healthz HTTP/2.0\r\n\r\n",
        "incomplete": b"GET /healthz HTTP/1.1\r\nHost: h\r\n",
        "upgrade-no-version": request("GET", "/ws?name=alice", ["Upgrade: websocket", "Connection: Upgrade",
                                                                 f"Sec-WebSocket-Key: {KEY}"]),
        "upgrade-bad-key": request("GET", "/ws?name=alice", ["Upgrade: websocket", "Connection: Upgrade",
                                                              "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: abc"]),
        "upgrade-bad-name": upgrade("name=no%20spaces"),
        "upgrade-no-name": upgrade("room=lobby"),
        "upgrade-bad-room": upgrade("name=alice&room="),
        "upgrade-origin": upgrade("name=alice", ["Origin: https://evil.example"]),
        "upgrade-origin-ok": upgrade("name=alice", ["Origin: https://allowed.example"]) + frame(b"\x03\xe8", 0x8),
        "upgrade-post": request("POST", "/ws?name=alice", ["Upgrade: websocket", "Connection: Upgrade",
                                                            "Sec-WebSocket-Version: 13", f"Sec-WebSocket-Key: {KEY}"]),
        "upgrade-wrong-path": upgrade("name=alice").replace(b"/ws?", b"/chat?"),
        "chat-session": upgrade("name=alice&room=lobby") + text({"type": "say", "room": "lobby", "content": "hi",
                                                                  "id": "1"})
        + text({"type": "join", "room": "second", "id": "2"}) + text({"type": "users", "room": "second"})
        + text({"type": "leave", "room": "second", "id": "3"}) + text({"type": "say", "room": "second", "content": "x"})
        + text({"type": "join", "room": "bad room"}) + text({"type": "say", "room": "lobby", "content": "y" * 100})
        + frame("not json") + frame(b"\x01\x02", 0x2) + frame(b"ping", 0x9) + frame(b"\x03\xe8bye", 0x8),
        "fragments": upgrade("name=frag") + frame('{"type":"jo', fin=False) + frame('in","room":"a"}', 0x0)
        + frame(b"", 0xA) + frame(b"\xff\xfe") + frame(b"x", 0x0),
        "unmasked": upgrade("name=plain") + b"\x81\x05hello",
        "many-rooms": upgrade("name=rooms") + b"".join(text({"type": "join", "room": f"r{i}"}) for i in range(5)),
        "two-users": upgrade("name=alice&room=lobby") + SEPARATOR + upgrade("name=bob&room=lobby")
        + text({"type": "say", "room": "lobby", "content": "hello alice", "id": "b1"})
        + text({"type": "whisper", "to": "alice", "content": "psst", "id": "b2"})
        + text({"type": "whisper", "to": "nobody", "content": "psst"})
        + SEPARATOR + upgrade("name=bob") + SEPARATOR
        + request("GET", "/admin/rooms", ADMIN) + request("GET", "/admin/rooms/lobby/users", ADMIN)
        + request("POST", "/admin/rooms/lobby/messages", ADMIN, b'{"content":"Maintenance at 18:00"}')
        + request("DELETE", "/admin/users/alice?reason=bye+now", ADMIN) + request("GET", "/healthz"),
        "flood": upgrade("name=quiet&room=lobby") + SEPARATOR + upgrade("name=loud&room=lobby")
        + b"".join(text({"type": "say", "room": "lobby", "content": str(i)}) for i in range(40)),
        "echo": b"MODE echo\n" + upgrade("name=ignored").replace(b"/ws?", b"/anything?") + frame("hello")
        + frame(b"\x00\x01", 0x2) + frame(b"", 0x8),
        "broadcast": b"MODE broadcast\n" + upgrade("") + SEPARATOR + upgrade("") + frame("to everyone")
        + SEPARATOR + request("GET", "/healthz", ["Upgrade: websocket", "Connection: Upgrade"]),
    }
    for name, data in seeds.items():
        write("FuzzHTTP", f"{name}.bin", data)


if __name__ == "__main__":
    chat_frames()
    scenarios()
    http()
