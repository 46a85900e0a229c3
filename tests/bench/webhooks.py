"""`scripts/bench webhooks`: webhook intake throughput and latency under gunicorn.

Measured in one run, against two servers started with the same gunicorn settings
(`bridge.serve.serve`, so workers, threads, worker class and the JSON access log are identical):
the real bridge (`syncback serve`, Redis behind it, a board with a mapped field) and a baseline
app whose only route answers 204. Two phases per server:

- open loop at a fixed offered rate (default 200 events/s): p50/p99 latency, measured from each
  request's *scheduled* send time, so a stalled server cannot hide queueing (no coordinated
  omission);
- closed loop with `--concurrency` keep-alive clients: maximum events/s.

Event mixes (`--mix`; every body distinct, so deduplication never shortcuts the work):
- `jira` (default): what a Jira sends for the events we subscribe to: 80 % `jira:issue_updated`
  (a 6 KB Server payload; 5 % of all touch a synced field and become a job), 5 %
  `sprint_updated` (a job), 15 % `comment_created` (ignored): 10 % of deliveries enqueue a job;
- `mixed`: 40 % enqueue a job (50 % issue_updated, 30 % sprint_updated, 20 % comments);
- `jobs`: the worst case, every delivery enqueues a job.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TOKEN = "bench-webhook-token-0123456789"
PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"


MIXES = {
    # 20 deliveries: s = issue_updated of a synced field (job), i = other issue_updated,
    # p = sprint_updated (job), c = comment_created (ignored)
    "jira": "s" + "i" * 15 + "p" + "ccc",
    "mixed": "ss" + "i" * 8 + "p" * 6 + "cccc",
    "jobs": "sp" * 10,
}


def bodies(n: int, mix: str = "jira", salt: int = 18) -> list[bytes]:
    """`n` distinct deliveries in the mix; `salt` keeps separate phases from colliding."""
    updated = json.loads((PAYLOADS / "jira_issue_updated.json").read_text())
    updated["issue"]["key"] = "SHOP-8"
    synced = json.loads(json.dumps(updated))
    synced["changelog"]["items"][0]["field"] = "Business Value"
    kinds = {
        "s": synced,
        "i": updated,
        "p": json.loads((PAYLOADS / "sprint_updated.json").read_text()),
        "c": json.loads((PAYLOADS / "comment_created.json").read_text()),
    }
    pattern = MIXES[mix]
    out = []
    for i in range(n):
        data = dict(kinds[pattern[i % len(pattern)]])
        data["timestamp"] = salt * 100_000_000_000 + i
        out.append(json.dumps(data).encode())
    return out


class Client:
    """One keep-alive connection; reconnects once on a dropped connection."""

    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: bytes) -> int:
        for attempt in (0, 1):
            try:
                self.conn.request(
                    "POST", self.path, body, {"Content-Type": "application/json; charset=UTF-8"}
                )
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    return 599
        return 599


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def open_loop(port: int, path: str, payloads: list[bytes], rate: float, threads: int) -> dict:
    """Send payloads[i] at t0 + i/rate; latency counts from that scheduled time."""
    lock, counter = threading.Lock(), iter(range(len(payloads)))
    latencies: list[float] = []
    errors = [0]
    t0 = time.perf_counter() + 0.2

    def run() -> None:
        client = Client(port, path)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            due = t0 + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            status = client.post(payloads[i])
            done = time.perf_counter()
            with lock:
                latencies.append((done - due) * 1000)
                if status >= 300:
                    errors[0] += 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    return {"latencies": latencies, "seconds": elapsed, "errors": errors[0]}


def summarize(parts: list[dict]) -> dict[str, Any]:
    latencies = [x for p in parts for x in p["latencies"]]
    return {
        "achieved_per_s": round(len(latencies) / sum(p["seconds"] for p in parts), 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "errors": sum(p["errors"] for p in parts),
    }


def closed_loop(port: int, path: str, payloads: list[bytes], seconds: float, clients: int) -> dict:
    """`clients` connections sending back-to-back for `seconds`: the maximum rate."""
    lock, counter = threading.Lock(), iter(range(len(payloads)))
    count, errors = [0], [0]
    stop_at = time.perf_counter() + seconds

    def run() -> None:
        client = Client(port, path)
        while time.perf_counter() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            status = client.post(payloads[i])
            with lock:
                count[0] += 1
                errors[0] += status >= 300

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {
        "per_s": round(count[0] / (time.perf_counter() - started), 1),
        "errors": errors[0],
    }


def serve_bare(port: int) -> None:
    """The baseline: bridge.serve's gunicorn settings around an app that only answers 204."""
    from flask import Flask

    import bridge
    from bridge.serve import serve

    app = Flask("bare")

    @app.post("/webhooks/jira/<token>")
    def bare(token: str) -> tuple[str, int]:
        return "", 204

    # serve() imports create_app at call time, so this swaps only the app, not the settings.
    bridge.create_app = lambda *a, **k: app  # type: ignore[assignment]
    serve("127.0.0.1", port)


def measure_latency(servers: Any, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Offered rate in alternating 2-second chunks (bare, bridge, bare, ...) so that load from
    other processes on the machine lands on both alike; latencies pooled per server."""
    path = f"/webhooks/jira/{TOKEN}"
    ports = {"bare": servers.bare_port, "bridge": servers.bridge_port}
    for port in ports.values():  # warm up: connections, imports, first-request costs
        closed_loop(port, path, bodies(300, args.mix, salt=21), 1, 4)
    chunk = int(args.rate * 2)
    payloads = bodies(int(args.rate * args.seconds) + chunk, args.mix)
    parts: dict[str, list[dict]] = {"bare": [], "bridge": []}
    for start in range(0, int(args.rate * args.seconds), chunk):
        for name, port in ports.items():
            part = open_loop(
                port, path, payloads[start : start + chunk], args.rate, args.sender_threads
            )
            parts[name].append(part)
    return {name: summarize(p) for name, p in parts.items()}


def measure_peaks(servers: Any, args: argparse.Namespace) -> dict[str, list[float]]:
    """Alternate short closed-loop rounds (bare, bridge, bare, ...) so that load from other
    processes on the machine hits both alike; the medians are compared."""
    path = f"/webhooks/jira/{TOKEN}"
    peaks: dict[str, list[float]] = {"bare": [], "bridge": [], "bare_errors": [], "errors": []}
    for r in range(args.rounds):
        payloads = bodies(20_000, args.mix, salt=30 + r)
        for name, port in (("bare", servers.bare_port), ("bridge", servers.bridge_port)):
            result = closed_loop(port, path, payloads, args.max_seconds, args.concurrency)
            peaks[name].append(result["per_s"])
            peaks["errors" if name == "bridge" else "bare_errors"].append(result["errors"])
    return peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench webhooks",
        description="Webhook intake throughput and p50/p99 latency under gunicorn, with a bare "
        "204 endpoint under the same settings as the baseline measured in the same run.",
    )
    parser.add_argument("--rate", type=float, default=200.0, help="offered events/s (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="open-loop duration (10)")
    parser.add_argument("--max-seconds", type=float, default=3.0, help="closed-loop round (3)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating closed-loop rounds (5)")
    parser.add_argument("--concurrency", type=int, default=8, help="closed-loop clients (8)")
    parser.add_argument("--sender-threads", type=int, default=16, help="open-loop senders (16)")
    parser.add_argument("--mix", choices=sorted(MIXES), default="jira", help="event mix (jira)")
    parser.add_argument("--serve-bare", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0

    import redis as redis_lib

    from tests.bench.webhook_servers import start_servers

    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        servers = start_servers(Path(tmp), TOKEN)
        try:
            latency = measure_latency(servers, args)
            bare, real = latency["bare"], latency["bridge"]
            peaks = measure_peaks(servers, args)
            jobs = redis_lib.Redis.from_url(servers.redis_url).llen("rq:queue:syncback")
        finally:
            servers.stop()
    peak, bare_peak = statistics.median(peaks["bridge"]), statistics.median(peaks["bare"])
    result = {
        "events_per_s": peak,
        "p50_ms": real["p50_ms"],
        "p99_ms": real["p99_ms"],
        "bare_events_per_s": bare_peak,
        "ratio_to_bare": round(peak / bare_peak, 3),
        "offered_rate": args.rate,
        "achieved_rate": real["achieved_per_s"],
        "bare_p50_ms": bare["p50_ms"],
        "bare_p99_ms": bare["p99_ms"],
        "rounds": {"bridge": peaks["bridge"], "bare": peaks["bare"]},
        "errors": real["errors"] + sum(peaks["errors"]),
        "bare_errors": bare["errors"] + sum(peaks["bare_errors"]),
        "jobs_enqueued": jobs,
        "mix": args.mix,
        "jobs_share": round(sum(k in "sp" for k in MIXES[args.mix]) / len(MIXES[args.mix]), 2),
        "gunicorn": servers.settings,
        "cpus": os.cpu_count(),
        "method": f"open loop {args.rate}/s for {args.seconds}s per server in alternating 2 s "
        "chunks (latency from each request's scheduled send time); "
        f"max rate: median of {args.rounds} alternating closed-loop rounds of "
        f"{args.max_seconds}s, {args.concurrency} keep-alive clients",
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
