#!/usr/bin/env python3
"""chatkit's benchmark suite: chatctl against chatserver, each pinned to its own core, on loopback.

Usage: bench/run.py [--quick] [--cases NAME,...] [--server-cmd 'CMD {port}'] [--raw] [--out DIR]

For each case it starts a fresh chatserver (CPU 0) and runs chatctl (CPU 1) on a generated scenario, then
reads server CPU and memory from /proc, the server's /admin/stats, and chatctl's report. It prints one table
and writes bench/results/latest.json and bench/results/latest.md. `--server-cmd` benchmarks another server
(for example gorilla's chat example, built by you) with `--raw`: chatctl then speaks plain broadcast frames.
The floors are measured first, so every row can be compared with them: bench/floor.c (CPU of write() and
read() alone, 1/2/4/16 frames per call, at 100, 1000 and 10 000 connections) and bench/accept_floor.c (the
kernel's share of accepting a WebSocket connection and of closing it). `--nio-baseline` adds what SwiftNIO
costs with nothing of chatkit's: the accept case against bench/nio-baseline, and chatserver's write path and
chatctl's read path at the fan-out cases' pace (bench/paced_writer.c and paced_reader.c against
nio-write-baseline and nio-read-baseline). Each case also
records the CPU time the hypervisor stole from this virtual machine while it ran (/proc/stat): above 5% its
latency is suspect.
"""
import argparse
import json
import statistics
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")
TOKEN = "bench"


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw).stdout


def bin_path():
    return sh("swift build -c release --show-bin-path", cwd=ROOT).strip()


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def proc_syscalls(pid):
    """(read, write) system calls the process has made so far (/proc/PID/io: syscr, syscw)."""
    counts = {}
    for line in open(f"/proc/{pid}/io"):
        key, _, value = line.partition(":")
        counts[key] = int(value)
    return counts.get("syscr", 0), counts.get("syscw", 0)


def proc_rss_bytes(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_steal_jiffies():
    """Jiffies the hypervisor gave to someone else (the `steal` column of /proc/stat's `cpu` line), summed over
    all CPUs. On a shared virtual machine a busy neighbour shows up here: CPU time measured from /proc stays
    right, but latency does not (the process was runnable and did not run)."""
    fields = open("/proc/stat").readline().split()
    return int(fields[8]) if len(fields) > 8 else 0


def admin_stats(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


class Server:
    def __init__(self, binary, server_cmd, threads, extra_args=(), server_binary=None):
        self.custom = server_cmd is not None
        if self.custom:
            port = free_port()
            cmd = ["taskset", "-c", "0", "sh", "-c", server_cmd.format(port=port)]
            self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            self.port = port
            time.sleep(1)
            self.url = f"ws://127.0.0.1:{port}/ws"
        else:
            cmd = ["taskset", "-c", "0", server_binary or f"{binary}/chatserver", "--port", "0", "--admin-token", TOKEN,
                   "--threads", str(threads), "--log-level", "error", "--send-queue", "4096", *extra_args]
            self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                            start_new_session=True)
            line = self.process.stdout.readline()
            self.url = line.split()[-1]
            self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def pid(self):
        # With a shell wrapper, the server is the shell's child.
        if not self.custom:
            return self.process.pid
        children = sh(f"pgrep -P {self.process.pid} || true").split()
        return int(children[0]) if children else self.process.pid

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except Exception:
            os.killpg(self.process.pid, signal.SIGKILL)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scenario(name, users, senders, rooms, rate, seconds, action="say", size=64, ramp=None, raw=False, rooms_per_user=1):
    groups = []
    listeners = users - senders
    room_pattern = "room" if rooms == 1 else "room-{i%" + str(rooms) + "}"
    joined = [room_pattern] if rooms_per_user else []
    groups.append({"name": "senders", "count": senders, "namePattern": "s-{i}", "rooms": joined})
    if listeners > 0:
        groups.append({"name": "listeners", "count": listeners, "namePattern": "l-{i}", "rooms": joined})
    phases = [{"type": "rampUp", "duration": ramp or f"{max(1, users // 1000)}s"}]
    if rate > 0:
        # Let the ramp-up's presence storm (N users joining one room send N²/2 presence frames) finish on both
        # sides before the load starts: the cases measure steady fan-out, not the tail of the join storm.
        phases.append({"type": "hold", "duration": "3s"})
    if rate > 0:
        phases.append({"type": "arrivals", "duration": f"{seconds}s", "rate": f"{rate}/s", "action": action,
                       "size": size, "group": "senders"})
    else:
        phases.append({"type": "hold", "duration": f"{seconds}s"})
    document = {"name": name, "seed": 1, "protocol": "raw" if raw else "chat", "connectTimeout": "30s",
                "groups": groups, "phases": phases, "drain": "5s"}
    return document


def run_case(binary, case, args):
    server = Server(binary, args.server_cmd, args.server_threads, case.get("serverArgs", ()), args.server_binary)
    try:
        pid = server.pid()
        rss_idle = proc_rss_bytes(pid)
        stats_before = None if server.custom else admin_stats(server.port)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(case["scenario"], f)
            path = f.name
        out = path.replace(".json", "-report.json")
        cmd = ["taskset", "-c", "1", f"{binary}/chatctl", "run", path, "--target", server.url, "--out", out,
               "--quiet", "--threads", str(args.client_threads)]
        # Sample the server's CPU and memory, and chatctl's CPU, 10 times a second, so the load window can be
        # cut out afterwards.
        samples = []
        client_samples = []
        users = sum(g["count"] for g in case["scenario"]["groups"])
        # The accept case: the server's CPU when the last connection is open (welcome sent), from /admin/stats.
        accepted_cpu = None
        steal_before = cpu_steal_jiffies()
        started = time.monotonic()
        client = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while client.poll() is None:
            samples.append((time.monotonic() - started, proc_cpu_seconds(pid), proc_rss_bytes(pid),
                            proc_syscalls(pid)[1]))
            try:
                client_samples.append((time.monotonic() - started, proc_cpu_seconds(client.pid),
                                       proc_syscalls(client.pid)[0]))
            except (OSError, ValueError, IndexError):
                pass  # it just exited
            if case.get("accept") and accepted_cpu is None and not server.custom:
                cpu = proc_cpu_seconds(pid)
                if admin_stats(server.port)["connectionsCurrent"] >= users:
                    accepted_cpu = cpu
            time.sleep(0.05 if case.get("accept") else 0.1)
        stdout, stderr = client.communicate()
        samples.append((time.monotonic() - started, proc_cpu_seconds(pid), proc_rss_bytes(pid), proc_syscalls(pid)[1]))
        elapsed = time.monotonic() - started
        steal_percent = (cpu_steal_jiffies() - steal_before) / TICKS / (elapsed * os.cpu_count()) * 100
        stats_after = None if server.custom else admin_stats(server.port)
        if not os.path.exists(out):
            return {"case": case["name"], "error": (stderr or stdout)[-500:]}
        report = json.load(open(out))
        counters = report["counters"]
        action = next((p.get("action") for p in case["scenario"]["phases"] if p["type"] == "arrivals"), "say")
        latency = report["latency"]["whisper" if action == "whisper" else "broadcast"]
        # The load window: the seconds of the time series in which messages were sent (after the ramp-up).
        busy = [p for p in report["timeSeries"] if p["messagesOut"] > 0]
        if busy:
            window = (busy[0]["second"] - 1, busy[-1]["second"])
            copies = sum(p["messagesIn"] for p in busy)
        else:
            window = (0, samples[-1][0])
            copies = counters["messages.in"]
        def cpu_at(t, series=samples, column=1):
            before = [s for s in series if s[0] <= t]
            return (before[-1] if before else series[0])[column] if series else 0
        window_seconds = max(0.001, window[1] - window[0])
        server_cpu = cpu_at(window[1]) - cpu_at(window[0])
        client_cpu = cpu_at(window[1], client_samples) - cpu_at(window[0], client_samples)
        # System calls in the window: how many copies the server wrote per write() and chatctl read per read()
        # (what the floor must be taken at to compare like with like).
        server_writes = cpu_at(window[1], column=3) - cpu_at(window[0], column=3)
        client_reads = cpu_at(window[1], client_samples, 2) - cpu_at(window[0], client_samples, 2)
        peak_rss = max(s[2] for s in samples)
        # chatctl's CPU in the same window is not sampled; its whole-run CPU per received copy is an upper bound.
        row = {
            "case": case["name"], "users": users, "rate": case.get("rate", 0),
            "copiesPerSecond": round(copies / window_seconds),
            "p50Ms": latency["p50"] * 1e3, "p99Ms": latency["p99"] * 1e3, "p999Ms": latency["p999"] * 1e3,
            "maxMs": latency["max"] * 1e3,
            "serverMicrosPerCopy": server_cpu / copies * 1e6 if copies else None,
            "serverCpuSeconds": samples[-1][1] - samples[0][1],
            # chatctl's CPU per copy in the load window (as the server's); and over the whole run, ramp-up and
            # presence included (an upper bound).
            "chatctlMicrosPerCopy": client_cpu / copies * 1e6 if busy and copies else
                report["generator"]["cpuSeconds"] / max(1, counters["messages.in"]) * 1e6,
            "chatctlWholeRunMicrosPerCopy": report["generator"]["cpuSeconds"] / max(1, counters["messages.in"]) * 1e6,
            "serverCopiesPerWrite": copies / server_writes if busy and server_writes else None,
            "chatctlCopiesPerRead": copies / client_reads if busy and client_reads else None,
            "serverKBPerConnection": (peak_rss - rss_idle) / 1024 / users if users else None,
            # Growth over the run's start, so chatctl's own baseline is not spread over the users.
            "chatctlKBPerUser": (report["generator"]["peakResidentBytes"]
                                 - report["generator"].get("residentBytesAtStart", 0)) / 1024 / users if users else None,
            "lost": counters["delivery.lost"], "expected": counters["delivery.expected"],
            "lateSends": counters["sends.late"], "errors": counters["errors.total"],
            "slowConsumersDropped": (stats_after["slowConsumersDropped"] - stats_before["slowConsumersDropped"]) if stats_before else None,
            "stealPercent": steal_percent,
        }
        if case.get("connect"):
            row["serverMicrosPerConnection"] = (samples[-1][1] - samples[0][1]) / users * 1e6
        if case.get("accept") and accepted_cpu is not None:
            # The CPU read just before /admin/stats said every connection was open (the poll itself costs the
            # server about 0.1 ms, about 1% of the figure), from the sample taken before chatctl started.
            row["serverMicrosPerAccept"] = (accepted_cpu - samples[0][1]) / users * 1e6
            row["serverMicrosPerClose"] = (samples[-1][1] - accepted_cpu) / users * 1e6
        return row
    finally:
        server.stop()


def nio_baseline(binary, case, args):
    """The accept case against bench/nio-baseline (NIO's HTTP pipeline and WebSocket upgrader alone, one welcome
    frame per connection, CPU 0), with chatctl speaking raw frames (CPU 1): what NIO itself costs per accepted
    connection, the part of chatserver's figure no code of ours can remove."""
    package = os.path.join(ROOT, "bench", "nio-baseline")
    sh("swift build -c release", cwd=package)
    server_binary = os.path.join(sh("swift build -c release --show-bin-path", cwd=package).strip(), "nio-baseline")
    users = sum(g["count"] for g in case["scenario"]["groups"])
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", "0", server_binary, str(port), str(users)], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        server.stdout.readline()  # listening on …
        cpu_start = proc_cpu_seconds(server.pid)
        scenario_document = dict(case["scenario"], protocol="raw")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(scenario_document, f)
        steal_before, started = cpu_steal_jiffies(), time.monotonic()
        subprocess.run(["taskset", "-c", "1", f"{binary}/chatctl", "run", f.name, "--target", f"ws://127.0.0.1:{port}/ws",
                        "--quiet", "--threads", str(args.client_threads)], capture_output=True, text=True, timeout=300)
        cpu_end = proc_cpu_seconds(server.pid)
        steal = (cpu_steal_jiffies() - steal_before) / TICKS / ((time.monotonic() - started) * os.cpu_count()) * 100
        opened = json.loads(server.stdout.readline() or "{}")
        if opened.get("opened") != users:
            return {"case": case["name"] + " (NIO alone)", "error": f"only {opened} connections opened"}
        return {"case": case["name"] + " (NIO alone)", "users": users, "rate": 0, "accept": True,
                "serverMicrosPerAccept": (opened["cpuSeconds"] - cpu_start) / users * 1e6,
                "serverMicrosPerClose": (cpu_end - opened["cpuSeconds"]) / users * 1e6,
                "copiesPerSecond": None, "p50Ms": None, "p99Ms": None, "p999Ms": None, "maxMs": None,
                "serverMicrosPerCopy": None, "chatctlMicrosPerCopy": None, "serverKBPerConnection": None,
                "chatctlKBPerUser": None, "lost": 0, "lateSends": 0, "slowConsumersDropped": None, "stealPercent": steal}
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# Connections and total frames per second of the read- and write-path baselines: the copies per second of
# fanout-1000x100 and fanout-10000x5.
PATH_BASELINE_LOADS = ((1000, 100000), (10000, 50000))
# (writer, reader) pairs: each reader against the C writer; NIO's writer against the C reader.
PATH_BASELINE_PAIRS = (("c", "c"), ("c", "codec"), ("c", "bytes"), ("nio", "c"))


def path_baselines(repeat, quick):
    """chatserver's write path and chatctl's read path without chatkit, at the fan-out cases' pace: 66-byte server
    frames, one per write(), round-robin over the connections at a steady rate, written on CPU 0 by
    bench/paced_writer.c (write() alone: the floor at that pace) or nio-write-baseline (one NIO event loop,
    `writeAndFlush` of a shared buffer), and read on CPU 1 by bench/paced_reader.c (epoll_wait() and read()
    alone) or nio-read-baseline, with NIO's frame decoder (`codec`, chatctl's stack) or finding the frames in the
    bytes (`bytes`, a frame reader of our own). One row per load and pair, medians of `repeat` runs: CPU per
    frame of both sides, and the reader's frames per read."""
    package = os.path.join(ROOT, "bench", "nio-baseline")
    sh("swift build -c release", cwd=package)
    products = sh("swift build -c release --show-bin-path", cwd=package).strip()
    c_writer = os.path.join(tempfile.gettempdir(), "chatkit-paced-writer")
    c_reader = os.path.join(tempfile.gettempdir(), "chatkit-paced-reader")
    sh(f"gcc -O2 -o {c_writer} {ROOT}/bench/paced_writer.c")
    sh(f"gcc -O2 -o {c_reader} {ROOT}/bench/paced_reader.c")
    rows = []
    for connections, rate in PATH_BASELINE_LOADS:
        if quick and connections > 1000:
            continue
        for writer, reader in PATH_BASELINE_PAIRS:
            runs = []
            for _ in range(max(1, repeat)):
                with tempfile.TemporaryDirectory() as directory:
                    port_file = os.path.join(directory, "port")
                    arguments = [port_file, str(connections), str(rate), "8"]
                    writing = subprocess.Popen(
                        [c_writer] + arguments if writer == "c"
                        else ["taskset", "-c", "0", os.path.join(products, "nio-write-baseline")] + arguments,
                        stdout=subprocess.PIPE, text=True)
                    deadline = time.monotonic() + 10
                    while not (os.path.exists(port_file) and open(port_file).read().strip()):
                        if time.monotonic() > deadline or writing.poll() is not None:
                            writing.kill()
                            raise RuntimeError(f"the {writer} writer did not start")
                        time.sleep(0.05)
                    port = open(port_file).read().strip()
                    command = ([c_reader, port, str(connections)] if reader == "c"
                               else ["taskset", "-c", "1", os.path.join(products, "nio-read-baseline"), port,
                                     str(connections), reader])
                    read = json.loads(sh(" ".join(command), timeout=60))
                    written = json.loads(writing.communicate(timeout=30)[0])
                    runs.append({"writeMicrosPerFrame": written["writeMicrosPerFrame"],
                                 "readMicrosPerFrame": read["microsPerFrame"], "framesPerRead": read["framesPerRead"]})
            row = {"connections": connections, "framesPerSecond": rate, "writer": writer, "reader": reader}
            for key in runs[0]:
                row[key] = statistics.median(run[key] for run in runs)
            rows.append(row)
    return rows


def path_baseline_lines(rows):
    """The baselines' lines under the table: each NIO side against the C side in the same run."""
    lines = []
    for connections, rate in PATH_BASELINE_LOADS:
        found = {(r["writer"], r["reader"]): r for r in rows or [] if r["connections"] == connections}
        if len(found) < len(PATH_BASELINE_PAIRS):
            continue
        c, codec, raw, nio = (found[pair] for pair in PATH_BASELINE_PAIRS)
        lines.append(
            f"write path at {rate} frames/s over {connections} connections, one frame per write (bench/paced_writer.c, "
            f"nio-write-baseline): write() {c['writeMicrosPerFrame']:.2f} µs per frame; NIO writeAndFlush "
            f"{nio['writeMicrosPerFrame']:.2f} µs ({nio['writeMicrosPerFrame'] / c['writeMicrosPerFrame']:.2f}×)")
        lines.append(
            f"read path at the same pace (bench/paced_reader.c, nio-read-baseline): epoll_wait+read "
            f"{c['readMicrosPerFrame']:.2f} µs per frame ({c['framesPerRead']:.2f} per read); NIO, frames found in the "
            f"bytes {raw['readMicrosPerFrame']:.2f} µs ({raw['framesPerRead']:.2f}, "
            f"{raw['readMicrosPerFrame'] / c['readMicrosPerFrame']:.2f}×); NIO with its frame decoder "
            f"{codec['readMicrosPerFrame']:.2f} µs ({codec['framesPerRead']:.2f}, "
            f"{codec['readMicrosPerFrame'] / c['readMicrosPerFrame']:.2f}×)")
    return lines


def cases(args):
    raw = args.raw
    scale = 0.2 if args.quick else 1.0
    seconds = 5 if args.quick else 10
    result = [
        {"name": "fanout-100x1000", "rate": 1000, "scenario": scenario("fanout-100x1000", 100, 10, 1, 1000, seconds, raw=raw)},
        {"name": "fanout-1000x100", "rate": 100, "scenario": scenario("fanout-1000x100", 1000, 10, 1, 100, seconds, raw=raw)},
    ]
    for rate in ([150, 225, 300] if args.quick else [150, 225, 300, 400, 500, 650]):
        result.append({"name": f"sweep-1000x{rate}", "rate": rate, "sweep": True,
                       "scenario": scenario(f"sweep-{rate}", 1000, 10, 1, rate, seconds, raw=raw)})
    big = int(10000 * scale)
    result += [
        # Broadcast mode and raw frames: N users joining one chat room make N²/2 presence frames (50 million
        # for 10 000), which is a join storm, not the fan-out this case measures; the reference (gorilla's
        # chat example) has no presence either.
        {"name": f"fanout-{big}x5", "rate": 5, "serverArgs": [] if args.server_cmd else ["--mode", "broadcast"],
         "scenario": scenario("fanout-10k", big, 10, 1, 5, seconds, ramp="5s", raw=True)},
        {"name": f"rooms-{big // 10}x10", "rate": 1000,
         "scenario": scenario("rooms", big, big, big // 10, 1000, seconds, ramp="5s", raw=raw)},
        # Accepting: connect, WebSocket handshake, welcome; no room (the reference's figure is accept and
        # register). The server's CPU up to the moment all are open, then separately what closing costs.
        {"name": f"accept-{big}", "accept": True, "rate": 0,
         "scenario": scenario("accept", big, big, 1, 0, 3, ramp="0s", raw=raw, rooms_per_user=0)},
        {"name": "connect-storm", "connect": True, "rate": 0,
         "scenario": scenario("storm", big, big, 1 if raw else big // 10, 0, 1, ramp="0s", raw=raw)},
        {"name": f"idle-{big}", "rate": 0, "scenario": scenario("idle", big, big, 1 if raw else big // 10, 0, 5, ramp="5s", raw=raw)},
    ]
    if not raw:
        result.append({"name": "whisper-storm-1000", "rate": 2000,
                       "scenario": scenario("whispers", 1000, 1000, 10, 2000, seconds, action="whisper")})
    if args.cases:
        wanted = args.cases.split(",")
        result = [c for c in result if any(c["name"].startswith(w) for w in wanted)]
    return result


def hub_case(binary, args):
    """The hub without sockets (Sources/Bench/HubBench): messages/s said by 1 and by 2 threads, each in a room of
    its own with 100 in-process members, and what an empty room costs. 2 threads on 2 cores should reach at least
    1.7 times the rate of 1: rooms share no lock."""
    messages = 20000 if args.quick else 100000
    out = sh(f"{binary}/HubBench --members 100 --messages {messages} --threads 1,2 --repeat {max(3, args.repeat)}"
             f" --rooms {20000 if args.quick else 100000}")
    return json.loads(out)


def hub_line(hub):
    if not hub:
        return []
    rates = hub["messagesPerSecond"]
    return [f"hub without sockets (Sources/Bench/HubBench, {hub['members']} members a room, one sender a room, "
            f"median of {hub['repeat']}): 1 thread {rates['1']:,.0f} messages/s ({rates['1'] * hub['members']:,.0f} copies/s), "
            f"2 threads in 2 rooms {rates['2']:,.0f} messages/s: {hub['ratio2to1']:.2f}× (target ≥ 1.7×); "
            f"a room with one member and no message: {hub['roomBytes']:,.0f} bytes ({hub['rooms']:,} rooms)"]


def median_row(runs):
    """One row from several runs of a case: the median of every numeric column (the worst loss, errors and
    drops, so a loss in any run shows), and each run's p99 for the record."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[-1]
    row = dict(good[0])
    for key, value in good[0].items():
        values = [r.get(key) for r in good if isinstance(r.get(key), (int, float))]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and values:
            if key in ("lost", "errors", "slowConsumersDropped", "lateSends"):
                row[key] = max(values)
            else:
                row[key] = statistics.median(values)
    row["runs"] = len(good)
    row["p99MsRuns"] = [r.get("p99Ms") for r in good]
    row["stealPercentRuns"] = [r.get("stealPercent") for r in good]
    if len(good) < len(runs):
        row["failedRuns"] = len(runs) - len(good)
    return row


FLOOR_CONNECTIONS = (100, 1000, 10000)


def floor(repeat, quick):
    """The floor at 100, 1000 and 10 000 connections (a write to one of many sockets costs more: the kernel's
    per-socket state falls out of the caches), each the median of `repeat` runs."""
    exe = os.path.join(tempfile.gettempdir(), "chatkit-floor")
    sh(f"gcc -O2 -o {exe} {ROOT}/bench/floor.c")
    rows = []
    for connections in FLOOR_CONNECTIONS:
        if quick and connections > 1000:
            continue
        runs = [[json.loads(line) for line in sh(f"{exe} {connections} 2 64").splitlines()]
                for _ in range(max(1, repeat))]
        for index, first in enumerate(runs[0]):
            row = dict(first)
            for key in ("writeMicrosPerFrame", "readMicrosPerFrame", "framesPerRead"):
                row[key] = statistics.median(run[index][key] for run in runs)
            rows.append(row)
    return rows


def accept_floor(repeat, connections):
    """The kernel's share of accepting a WebSocket connection and of closing it (bench/accept_floor.c), the
    median of `repeat` runs."""
    exe = os.path.join(tempfile.gettempdir(), "chatkit-accept-floor")
    sh(f"gcc -O2 -o {exe} {ROOT}/bench/accept_floor.c")
    runs = [json.loads(sh(f"{exe} {connections} 100")) for _ in range(max(1, repeat))]
    row = dict(runs[0])
    for key in ("acceptMicrosPerConnection", "closeMicrosPerConnection"):
        row[key] = statistics.median(run[key] for run in runs)
    return row


def floor_for(floor_rows, users):
    """The single-frame floor row measured with the connection count closest below the case's users."""
    measured = sorted({r["connections"] for r in floor_rows})
    connections = max([c for c in measured if c <= max(users, measured[0])])
    return next((r for r in floor_rows if r["framesPerWrite"] == 1 and r["connections"] == connections), None)


def read_floor_at(floor_rows, users, frames_per_read):
    """The read floor per frame at `frames_per_read` frames per read() (log-log interpolation between the
    floor's cases at the case's connection count): the issue's "read floor at the same copies per read"."""
    single = floor_for(floor_rows, users)
    if not single or not frames_per_read:
        return single["readMicrosPerFrame"] if single else None
    points = sorted((r["framesPerRead"], r["readMicrosPerFrame"]) for r in floor_rows
                    if r["connections"] == single["connections"] and r["framesPerRead"] > 0)
    if frames_per_read <= points[0][0]:
        return points[0][1]
    if frames_per_read >= points[-1][0]:
        return points[-1][1]
    import math
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= frames_per_read <= x1:
            share = (math.log(frames_per_read) - math.log(x0)) / (math.log(x1) - math.log(x0))
            return math.exp(math.log(y0) + share * (math.log(y1) - math.log(y0)))
    return points[-1][1]


def fmt(value, digits=1):
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(rows, floor_rows, accept_floor_row=None, path_baseline_rows=None, hub=None):
    header = ["case", "copies/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "server µs/copy", "÷ floor",
              "copies/write", "chatctl µs/copy", "copies/read", "÷ read floor", "server KB/conn", "chatctl KB/user",
              "lost", "late", "dropped", "steal %"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['case']} | error: {r['error'][:80]} |")
            continue
        single = floor_for(floor_rows, r.get("users", 0))
        copying = r.get("rate", 0) > 0
        ratio = r["serverMicrosPerCopy"] / single["writeMicrosPerFrame"] if single and copying and r["serverMicrosPerCopy"] else None
        read_floor = read_floor_at(floor_rows, r.get("users", 0), r.get("chatctlCopiesPerRead"))
        read_ratio = r["chatctlMicrosPerCopy"] / read_floor if read_floor and copying else None
        # The connection storm's server figure is CPU per connection (connect, join, presence, close); the
        # accept case's is CPU per accepted connection (connect, handshake, welcome), compared with the kernel's
        # share (bench/accept_floor.c), and what closing it cost.
        if r.get("serverMicrosPerAccept"):
            server = f"{r['serverMicrosPerAccept']:.0f} per accept (+{r['serverMicrosPerClose']:.0f} close)"
            if accept_floor_row:
                ratio = r["serverMicrosPerAccept"] / accept_floor_row["acceptMicrosPerConnection"]
        elif r.get("serverMicrosPerConnection"):
            server = f"{r['serverMicrosPerConnection']:.0f} per connection"
        else:
            server = fmt(r["serverMicrosPerCopy"], 2) if copying else "–"
        # Cases without messages (accept, storm, idle) have no copies or latency to show.
        per_copy = (lambda value, digits=2: fmt(value, digits)) if copying else (lambda value, digits=2: "–")
        lines.append("| " + " | ".join([
            r["case"], per_copy(r["copiesPerSecond"]), per_copy(r["p50Ms"]), per_copy(r["p99Ms"]),
            per_copy(r["p999Ms"]), per_copy(r["maxMs"], 1), server, fmt(ratio, 2),
            per_copy(r.get("serverCopiesPerWrite")), fmt(r["chatctlMicrosPerCopy"], 2) if copying else "–",
            per_copy(r.get("chatctlCopiesPerRead")),
            fmt(read_ratio, 2),
            fmt(r["serverKBPerConnection"], 1), fmt(r["chatctlKBPerUser"], 1), fmt(r["lost"]), fmt(r["lateSends"]),
            fmt(r["slowConsumersDropped"]), fmt(r.get("stealPercent"), 1),
        ]) + " |")
    lines.append("")
    for connections in sorted({r["connections"] for r in floor_rows}):
        lines.append(f"floor (bench/floor.c, {connections} loopback connections, 64-byte frames): " + ", ".join(
            f"{r['framesPerWrite']}/write: write {r['writeMicrosPerFrame']:.2f} µs, read {r['readMicrosPerFrame']:.2f} µs per frame"
            for r in floor_rows if r["connections"] == connections))
    lines += path_baseline_lines(path_baseline_rows)
    lines += hub_line(hub)
    if accept_floor_row:
        lines.append(f"accept floor (bench/accept_floor.c, {accept_floor_row['connections']} connections): "
                     f"{accept_floor_row['acceptMicrosPerConnection']:.1f} µs of server CPU per accepted connection, "
                     f"{accept_floor_row['closeMicrosPerConnection']:.1f} µs per close")
    stolen = [r for r in rows if (r.get("stealPercent") or 0) > STEAL_WARNING_PERCENT]
    if stolen:
        lines.append(f"warning: the hypervisor took more than {STEAL_WARNING_PERCENT}% of the CPUs in "
                     + ", ".join(r["case"] for r in stolen)
                     + ": their CPU figures hold, their latencies are worse than this machine alone would give")
    return "\n".join(lines)


# Above this share of stolen CPU time a case's latency says more about the neighbours than about chatkit.
STEAL_WARNING_PERCENT = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs, 2000 instead of 10 000 connections")
    parser.add_argument("--cases", help="comma-separated case name prefixes")
    parser.add_argument("--server-cmd", help="benchmark another server: a shell command with {port}")
    parser.add_argument("--raw", action="store_true", help="chatctl --protocol raw (plain broadcast server)")
    parser.add_argument("--server-binary", help="a chatserver from another build (A/B against this one; same chatctl)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each case N times and report the median of every column (default 1)")
    parser.add_argument("--server-threads", type=int, default=1)
    parser.add_argument("--client-threads", type=int, default=1)
    parser.add_argument("--nio-baseline", action="store_true",
                        help="also run the accept case against bench/nio-baseline (SwiftNIO's WebSocket upgrade alone), "
                             "and measure the write and read paths without chatkit (bench/paced_*.c, nio-*-baseline)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = parser.parse_args()
    if args.server_cmd:
        args.raw = True
    sh("swift build -c release --product chatserver", cwd=ROOT)
    sh("swift build -c release --product chatctl", cwd=ROOT)
    sh("swift build -c release --product HubBench", cwd=ROOT)
    binary = bin_path()
    hub = None
    if not args.server_cmd and (not args.cases or any("hub".startswith(w) for w in args.cases.split(","))):
        print("running the hub without sockets…", file=sys.stderr, flush=True)
        hub = hub_case(binary, args)
        print(json.dumps(hub), file=sys.stderr, flush=True)
    floor_rows = floor(args.repeat, args.quick)
    accept_floor_row = None if args.server_cmd else accept_floor(args.repeat, 2000 if args.quick else 10000)
    path_baseline_rows = path_baselines(args.repeat, args.quick) if args.nio_baseline and not args.server_cmd else None
    rows = []
    sweep_broken = False
    for case in cases(args):
        if case.get("sweep") and sweep_broken:
            continue  # the sweep stops at the first rate that breaks
        runs = []
        for attempt in range(max(1, args.repeat)):
            print(f"running {case['name']} ({attempt + 1}/{args.repeat})…", file=sys.stderr, flush=True)
            run = run_case(binary, case, args)
            print(json.dumps(run), file=sys.stderr, flush=True)
            runs.append(run)
        row = median_row(runs)
        rows.append(row)
        if case.get("accept") and args.nio_baseline and not args.server_cmd:
            baseline_runs = []
            for attempt in range(max(1, args.repeat)):
                print(f"running {case['name']} against bench/nio-baseline ({attempt + 1}/{args.repeat})…",
                      file=sys.stderr, flush=True)
                baseline_runs.append(nio_baseline(binary, case, args))
                print(json.dumps(baseline_runs[-1]), file=sys.stderr, flush=True)
            rows.append(median_row(baseline_runs))
        if case.get("sweep") and ("error" in row or row["p99Ms"] >= 100 or row["lost"] > 0):
            sweep_broken = True
    machine = {"cpus": os.cpu_count(), "kernel": os.uname().release,
               "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")}
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "machine": machine,
              "serverThreads": args.server_threads, "clientThreads": args.client_threads,
              "floor": floor_rows, "acceptFloor": accept_floor_row, "pathBaselines": path_baseline_rows, "hub": hub,
              "rows": rows}
    os.makedirs(args.out, exist_ok=True)
    json.dump(result, open(os.path.join(args.out, "latest.json"), "w"), indent=2)
    text = table(rows, floor_rows, accept_floor_row, path_baseline_rows, hub)
    open(os.path.join(args.out, "latest.md"), "w").write(
        f"Run {result['date']} on {machine['cpu']} ({machine['cpus']} CPUs, kernel {machine['kernel']}); "
        f"server on CPU 0 with {args.server_threads} thread(s), chatctl on CPU 1 with {args.client_threads}.\n\n" + text + "\n")
    print(text)


if __name__ == "__main__":
    main()
