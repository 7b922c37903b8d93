#!/usr/bin/env python3
"""An independent TLS client (Python's ssl module on OpenSSL, and the `websockets` package) for chatserver
started with --tls-cert/--tls-key.

Usage: tls_client.py CA_FILE HTTPS_BASE WSS_URL

Trusts only CA_FILE. Fetches HTTPS_BASE/metrics and HTTPS_BASE/ (both must answer 200), then joins the room
`tls` over WSS_URL as `pyclient`, says "hello from python" and waits for its own message back. Prints one line
per step and exits 0 when all passed, 1 otherwise.
"""

import asyncio
import json
import ssl
import sys
import urllib.request

import websockets


def fetch(url, context):
    with urllib.request.urlopen(url, context=context, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


async def chat(url, context):
    async with websockets.connect(url + "?name=pyclient&room=tls", ssl=context, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "say", "room": "tls", "content": "hello from python"}))
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            if frame.get("type") == "message" and frame.get("from") == "pyclient":
                return frame["content"]


def main():
    ca_file, https_base, wss_url = sys.argv[1:4]
    context = ssl.create_default_context(cafile=ca_file)
    status, body = fetch(https_base + "/metrics", context)
    print(f"metrics: {status} {'# TYPE chat_' in body}")
    if status != 200 or "# TYPE chat_" not in body:
        return 1
    status, body = fetch(https_base + "/", context)
    print(f"page: {status} {'<!doctype html>' in body}")
    if status != 200 or "<!doctype html>" not in body:
        return 1
    content = asyncio.run(chat(wss_url, context))
    print(f"chat: {content}")
    return 0 if content == "hello from python" else 1


if __name__ == "__main__":
    sys.exit(main())
