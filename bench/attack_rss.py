#!/usr/bin/env python3
"""What the issue-14 attacks cost chatserver's memory, and whether it comes back: RSS before, at the peak and
after the attackers are gone. Loopback only, bounded in count and time, stops by itself.

Usage: bench/attack_rss.py [--binary DIR] [--threads N] [--settle SECONDS] [--server-arg ARG ...]

Attacks, one after another, each from raw sockets that never read (so the server's socket buffers fill):
  ping flood       10 connections × 20 000 pings of 125 bytes
  history replay   a room whose history holds 50 messages of 8000 bytes; 10 connections join and leave it 40 times
  many rooms       200 connections × 100 rooms each (20 000 rooms)
  join storm       3000 connections joining one room at once
Then every attacker closes, and the script waits until /healthz counts only the bystanders, then `--settle`
seconds more, and reads RSS again. It prints one JSON object (bytes) and exits 1 if RSS after is more than
50 MB above RSS before.
"""
import argparse
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def health(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.load(response)


def frame(opcode, payload):
    payload = payload.encode() if isinstance(payload, str) else payload
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return header + mask + masked


def connect(port, name, room=None, reads=False):
    """A WebSocket connection as `name`; returns the socket after the 101 (and, if it reads, nothing more)."""
    sock = socket.socket()
    if not reads:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    target = f"/ws?name={name}" + (f"&room={room}" if room else "")
    sock.sendall((f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(1)
        if not chunk:
            raise RuntimeError(f"{name}: connection closed during the upgrade")
        response += chunk
    if not response.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"{name}: {response.splitlines()[0].decode()}")
    return sock


def send_all(sock, data, deadline):
    """Writes what the socket takes before `deadline` (a server that stops reading stops a writer too)."""
    sock.setblocking(False)
    view = memoryview(data)
    while view and time.monotonic() < deadline:
        try:
            sent = sock.send(view)
            view = view[sent:]
        except BlockingIOError:
            time.sleep(0.005)
    sock.setblocking(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=None, help="folder holding chatserver (default: the release build)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--settle", type=float, default=15, help="seconds to wait after the attackers are gone")
    parser.add_argument("--server-arg", action="append", default=[])
    args = parser.parse_args()
    binary = args.binary or subprocess.run("swift build -c release --show-bin-path", shell=True, cwd=ROOT,
                                           check=True, text=True, capture_output=True).stdout.strip()
    # No keepalive pings: the raw sockets here never answer them, and the attack must not end by itself.
    server = subprocess.Popen([f"{binary}/chatserver", "--port", "0", "--threads", str(args.threads),
                               "--log-level", "error", "--ping-interval", "0", *args.server_arg],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    result = {}
    try:
        port = int(server.stdout.readline().split()[-1].rsplit(":", 1)[1].split("/")[0])
        bystanders = [connect(port, "alice", "quiet", reads=True), connect(port, "bob", "quiet", reads=True)]
        time.sleep(1)
        result["before"] = rss(server.pid)
        peak = result["before"]
        started = time.monotonic()
        phases = {}
        mark = [started]

        def phase(name):
            now = time.monotonic()
            phases[name] = round(now - mark[0], 1)
            mark[0] = now

        # Ping flood.
        pingers = [connect(port, f"pinger{i}", "flood") for i in range(10)]
        pings = frame(0x9, b"p" * 125) * 20000
        for sock in pingers:
            send_all(sock, pings, time.monotonic() + 5)
        peak = max(peak, rss(server.pid))
        phase("pingFlood")

        # History replay.
        writer = connect(port, "writer", "big", reads=True)
        for _ in range(50):
            writer.sendall(frame(0x1, json.dumps({"type": "say", "room": "big", "content": "h" * 8000})))
        replayers = [connect(port, f"replayer{i}", "lobby") for i in range(10)]
        join, leave = frame(0x1, '{"type":"join","room":"big"}'), frame(0x1, '{"type":"leave","room":"big"}')
        for sock in replayers:
            send_all(sock, (join + leave) * 40, time.monotonic() + 3)
        peak = max(peak, rss(server.pid))
        phase("historyReplay")

        # Many rooms.
        roomers = []
        for i in range(200):
            sock = connect(port, f"roomer{i}")
            send_all(sock, b"".join(frame(0x1, json.dumps({"type": "join", "room": f"r{i}-{j}"})) for j in range(100)),
                     time.monotonic() + 3)
            roomers.append(sock)
        time.sleep(1)
        result["roomsAtPeak"] = health(port).get("rooms")
        peak = max(peak, rss(server.pid))
        phase("manyRooms")

        # Join storm.
        stormers = [connect(port, f"storm{i}", "storm") for i in range(3000)]
        time.sleep(2)
        peak = max(peak, rss(server.pid))
        phase("joinStorm")
        result["phaseSeconds"] = phases
        result["peak"] = peak
        result["attackSeconds"] = round(time.monotonic() - started, 1)

        for sock in pingers + replayers + roomers + stormers + [writer]:
            sock.close()
        deadline = time.monotonic() + 60
        while health(port)["connections"] > len(bystanders) and time.monotonic() < deadline:
            time.sleep(0.2)
        result["connectionsAfter"] = health(port)["connections"]
        result["roomsAfter"] = health(port)["rooms"]
        result["afterClose"] = rss(server.pid)
        time.sleep(args.settle)
        result["after"] = rss(server.pid)
        result["afterMinusBefore"] = result["after"] - result["before"]
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(json.dumps(result))
    return 1 if result.get("afterMinusBefore", 1 << 40) > 50 * 1024 * 1024 else 0


if __name__ == "__main__":
    sys.exit(main())
