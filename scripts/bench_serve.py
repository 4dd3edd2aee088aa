"""A bounded load test of `landalloc serve`, on loopback only.

    .venv/bin/python scripts/bench_serve.py [--solves 40] [--sessions 50] [--json OUT]

Starts `landalloc serve --no-browser` on a free 127.0.0.1 port (a process of its own, as a
user runs it) and measures:

- cold start: seconds from launch to the first answer (`/api/health`), and to the first
  solved state (a new session and its first solve);
- warm solves: p50 / p99 of `POST /api/session/solve` (one change, moved each time) with 1,
  4 and 16 tabs solving at once, `--solves` per tab;
- memory: the server's RSS per session, over `--sessions` new sessions each after a solve.

Every request goes to 127.0.0.1 with the page's token, as the page sends it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tab:
    """One browser tab's requests: its own connection, the token, its session."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token, self.sid = token, ""

    def post(self, path: str, body: dict) -> dict:
        self.conn.request("POST", path, json.dumps(body), {
            "Content-Type": "application/json", "X-Landalloc-Token": self.token,
            "X-Landalloc-Session": self.sid})
        r = self.conn.getresponse()
        doc = json.loads(r.read())
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status} {doc}")
        return doc

    def open(self) -> None:
        self.sid = self.post("/api/session", {})["id"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def level(port: int, token: str, n: int, solves: int) -> list[float]:
    """Milliseconds of each warm solve with n tabs solving at once."""
    tabs = [Tab(port, token) for _ in range(n)]
    for t in tabs:
        t.open()
        t.post("/api/session/solve", {"set": []})
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(n)

    def run(t: Tab, k0: int) -> None:
        barrier.wait()
        for k in range(solves):
            cap = 1150 + 10 * ((k0 + k) % 10)
            s = time.perf_counter()
            t.post("/api/session/solve", {"set": [f"districts.airport.cap={cap}"]})
            with lock:
                times.append((time.perf_counter() - s) * 1000)

    threads = [threading.Thread(target=run, args=(t, i)) for i, t in enumerate(tabs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--solves", type=int, default=40, help="solves per tab and level")
    ap.add_argument("--sessions", type=int, default=50, help="sessions for RSS per session")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("landalloc")
    port = free_port()
    t0 = time.perf_counter()
    server = subprocess.Popen([str(exe), "serve", "--no-browser", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict = {}
    try:
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/api/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.02)
            if server.poll() is not None:
                raise RuntimeError("the server did not start")
        out["cold_first_answer_s"] = time.perf_counter() - t0
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/")
        token = re.search(r'name="landalloc-token" content="([^"]+)"',
                          c.getresponse().read().decode()).group(1)
        tab = Tab(port, token)
        tab.open()
        tab.post("/api/session/solve", {"set": []})
        out["cold_first_solve_s"] = time.perf_counter() - t0

        out["warm_solve_ms"] = {}
        for n in (1, 4, 16):
            times = level(port, token, n, args.solves)
            out["warm_solve_ms"][n] = {"p50": statistics.median(times), "p99": pct(times, 0.99),
                                       "n": len(times)}

        before = rss_mb(server.pid)
        for _ in range(args.sessions):
            t = Tab(port, token)
            t.open()
            t.post("/api/session/solve", {"set": ["districts.airport.cap=1200"]})
        out["rss_mb"] = {"before": before, "after": rss_mb(server.pid),
                         "sessions": args.sessions}
        out["rss_per_session_mb"] = (out["rss_mb"]["after"] - before) / args.sessions
    finally:
        server.terminate()
        server.wait(30)
    print(f"cold start: first answer {out['cold_first_answer_s']:.2f} s, first solved state "
          f"{out['cold_first_solve_s']:.2f} s")
    for n, v in out["warm_solve_ms"].items():
        print(f"warm solve, {n:2d} tabs at once: p50 {v['p50']:.0f} ms, p99 {v['p99']:.0f} ms "
              f"({v['n']} solves)")
    print(f"RSS per session {out['rss_per_session_mb']:.2f} MB ({args.sessions} sessions: "
          f"{out['rss_mb']['before']:.0f} -> {out['rss_mb']['after']:.0f} MB)")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
