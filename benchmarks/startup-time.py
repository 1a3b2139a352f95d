#!/usr/bin/env python3
"""Start-up time: exec -> first log line, -> client port accepts, -> INFO received, -> "Server is ready",
-> the monitoring port answers /varz (polled after the INFO) (docs/benchmarks.md).
Usage: startup-time.py BINARY RUNS   (BINARY: out/natssharp, /usr/sbin/nats-server; loopback, free ports)"""
import os, socket, subprocess, sys, time, statistics, re, datetime
cmd, runs = sys.argv[1], int(sys.argv[2])
acc, info, ready, mon_to_listen, first, varz = [], [], [], [], [], []
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
for i in range(runs):
    p, m = free_port(), free_port()
    log = f"/tmp/startup-time-{os.getpid()}.log"
    if os.path.exists(log): os.remove(log)
    t0 = time.time()
    proc = subprocess.Popen([cmd, "-a", "127.0.0.1", "-p", str(p), "-m", str(m), "-l", log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ta = None
    deadline = t0 + 20
    while time.time() < deadline:
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", p)); ta = time.time()
            s.settimeout(20); buf = b""
            while not buf.startswith(b"INFO") or b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk: break
                buf += chunk
            ti = time.time(); s.close(); break
        except OSError:
            s.close(); time.sleep(0.0005)
    tv = None
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", m), timeout=5)
            s.sendall(b"GET /varz HTTP/1.0\r\nHost: x\r\n\r\n")
            if s.recv(64).startswith(b"HTTP/1.") : tv = time.time()
            s.close()
            if tv: break
        except OSError:
            pass
        time.sleep(0.0005)
    tr = None
    while time.time() < deadline:
        try:
            txt = open(log).read()
        except FileNotFoundError:
            txt = ""
        if "Server is ready" in txt:
            break
        time.sleep(0.001)
    proc.kill(); proc.wait()
    # timestamps from the log: "[pid] 2026/12/05 23:00:00.123456 [INF] ..."
    stamps = {}
    for line in txt.splitlines():
        mm = re.match(r"\[\d+\] (\S+ \S+) \[\w+\] (.*)", line)
        if not mm: continue
        ts = datetime.datetime.strptime(mm.group(1), "%Y/%m/%d %H:%M:%S.%f").timestamp()
        stamps.setdefault("first", ts)
        for key in ("Starting nats-server", "monitor on", "Listening for client", "Server is ready"):
            if key in mm.group(2) and key not in stamps: stamps[key] = ts
    acc.append((ta - t0) * 1000)
    info.append((ti - t0) * 1000)
    ready.append((stamps["Server is ready"] - t0) * 1000)
    first.append((stamps["first"] - t0) * 1000)
    varz.append((tv - t0) * 1000)
    mon_to_listen.append((stamps["Listening for client"] - stamps["Starting nats-server"]) * 1000)
def fmt(xs): xs = sorted(xs); return f"median {statistics.median(xs):.1f} ms (min {xs[0]:.1f}, max {xs[-1]:.1f})"
print(f"{cmd}: {runs} runs")
print("  exec -> first log line:      ", fmt(first))
print("  exec -> client port accepting:", fmt(acc))
print("  exec -> INFO received:        ", fmt(info))
print("  exec -> 'Server is ready':    ", fmt(ready))
print("  exec -> /varz answered (polled after INFO):", fmt(varz))
print("  'Starting nats-server' -> 'Listening for client connections':", fmt(mon_to_listen))
