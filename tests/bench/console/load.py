#!/usr/bin/env python3
"""The console under load, as the issue asks: with 1,000 idle connections held open and 20
clients hammering the API, does every board keep its 25 frames a second?

    tests/bench/console/load.py BUILD_DIR [--boards 4] [--seconds 20] [--port 24400]

Starts one bangtin-panel-sim per board (Modbus TCP on 127.0.0.1) and bangtind with the console,
makes an editor account, then measures each board's frames a second as its simulator counts them
(its once-a-second report on stderr): first quietly, then while 1,000 connections sit idle (each
one the server closes for idleness is opened again) and 20 clients, each signed in, ask for the
boards' status and their live pictures as fast as they are answered. Prints per board the lowest
and median frames a second in each phase, and the requests served, their median and 99th
percentile time. Not part of ctest: it wants the machine to itself."""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("build")
parser.add_argument("--boards", type=int, default=4)
parser.add_argument("--seconds", type=float, default=20)
parser.add_argument("--port", type=int, default=24400)
parser.add_argument("--idle", type=int, default=1000)
parser.add_argument("--clients", type=int, default=20)
args = parser.parse_args()

build = os.path.abspath(args.build)
work = tempfile.mkdtemp(prefix="bangtin-console-load.")
console_port = args.port
panel_ports = [args.port + 1 + b for b in range(args.boards)]
password = "mật khẩu đủ dài cho thử tải"

os.makedirs(f"{work}/playlists")
with open(f"{work}/playlists/cchc.yaml", "w") as f:
    f.write("playlist: cchc\nitems:\n"
            "  - id: dich-vu-cong\n    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia\"\n"
            "    speed: 50\n"
            "  - id: mot-cua\n    text: \"Bộ phận Một cửa tiếp nhận hồ sơ từ 7 giờ 30\"\n    speed: 50\n")
with open(f"{work}/bangtin.yaml", "w") as f:
    f.write(f'timezone: "+07:00"\nconsole: {{listen: "127.0.0.1:{console_port}"}}\ndisplays:\n')
    for b, port in enumerate(panel_ports):
        f.write(f"  - name: bang-{b:02d}\n    size: 128x32\n"
                f"    link: modbus-tcp://127.0.0.1:{port}?unit=1\n    fps: 25\n")
subprocess.run([f"{build}/controller/bangtin", "user", "add", "tai", "--role", "editor",
                "--config", f"{work}/bangtin.yaml"], input=password + "\n", text=True,
               check=True, capture_output=True)

processes = []
fps = {b: [] for b in range(args.boards)}  # (time, frames/s) per board
phase = {"name": "start"}


def follow_simulator(board, process):
    for line in process.stderr:
        match = re.search(r": (\d+) frames/s", line)
        if match:
            fps[board].append((time.monotonic(), int(match.group(1)), phase["name"]))


for b, port in enumerate(panel_ports):
    sim = subprocess.Popen([f"{build}/firmware-bridge/sim/bangtin-panel-sim", "--listen",
                            f"127.0.0.1:{port}", "--size", "128x32"],
                           stderr=subprocess.PIPE, text=True)
    processes.append(sim)
    threading.Thread(target=follow_simulator, args=(b, sim), daemon=True).start()
daemon = subprocess.Popen([f"{build}/controller/bangtind", "--config", f"{work}/bangtin.yaml"],
                          stderr=subprocess.DEVNULL)
processes.append(daemon)
stop = threading.Event()


def sign_in():
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", console_port, timeout=10)
            c.request("POST", "/api/login", json.dumps({"name": "tai", "password": password}),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            body = r.read()
            if r.status == 200:
                return c, r.getheader("Set-Cookie").split(";")[0]
            if r.status == 429:
                time.sleep(float(r.getheader("Retry-After", "1")))
                continue
            raise RuntimeError(f"sign-in: {r.status} {body!r}")
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise RuntimeError("the console never answered")


latencies = []
served = {"ok": 0, "failed": 0}
lock = threading.Lock()


def hammer(index):
    connection, cookie = sign_in()
    paths = ["/api/displays"] + [f"/api/displays/bang-{b:02d}/preview.png?dots=1"
                                 for b in range(args.boards)]
    n = index
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection = http.client.HTTPConnection("127.0.0.1", console_port, timeout=10)
        with lock:
            served["ok" if ok else "failed"] += 1
            if ok:
                latencies.append(time.monotonic() - started)


held = []  # idle connections open, sampled every 0.2 s


def hold_idle():
    sockets = []
    while not stop.is_set():
        held.append(len(sockets))
        sockets = [s for s in sockets if s.fileno() != -1]
        while len(sockets) < args.idle and not stop.is_set():
            s = socket.create_connection(("127.0.0.1", console_port))
            sockets.append(s)
        # A socket the server closed reads as end of file: open another in its place.
        for s in list(sockets):
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    s.close()
                    sockets.remove(s)
            except BlockingIOError:
                pass
        time.sleep(0.2)
    for s in sockets:
        s.close()


def board_figures(name):
    lines = []
    for b in range(args.boards):
        values = [v for (_, v, p) in fps[b] if p == name]
        lines.append(f"bang-{b:02d}: min {min(values) if values else '-'} median "
                     f"{statistics.median(values) if values else '-'} ({len(values)} s)")
    return lines


try:
    sign_in()  # the console is up
    time.sleep(3)  # the boards connect and settle
    phase["name"] = "quiet"
    time.sleep(args.seconds / 2)
    phase["name"] = "load"
    idle = threading.Thread(target=hold_idle)
    idle.start()
    clients = [threading.Thread(target=hammer, args=(i,)) for i in range(args.clients)]
    for c in clients:
        c.start()
    load_started = time.monotonic()
    time.sleep(args.seconds)
    stop.set()
    phase["name"] = "after"
    for c in clients:
        c.join()
    idle.join()
    load_seconds = time.monotonic() - load_started
    print(f"console load: {args.boards} boards at 25 fps, {args.idle} idle connections, "
          f"{args.clients} clients for {args.seconds:.0f} s")
    print("frames/s quiet: " + "; ".join(board_figures("quiet")))
    print("frames/s under load: " + "; ".join(board_figures("load")))
    if held:
        print(f"idle connections held: median {statistics.median(held):.0f}, least {min(held[5:] or held)}")
    ordered = sorted(latencies)
    if ordered:
        print(f"requests: {served['ok']} answered ({served['ok'] / load_seconds:.0f}/s), "
              f"{served['failed']} failed; median {1000 * statistics.median(ordered):.1f} ms, "
              f"99th percentile {1000 * ordered[int(0.99 * (len(ordered) - 1))]:.1f} ms")
finally:
    stop.set()
    for p in processes:
        p.terminate()
    for p in processes:
        p.wait()
