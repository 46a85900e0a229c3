"""`scripts/bench sync`: one sync run against the simulator, measured; prints one JSON object.

Starts its own redis-server, simulator (`--issues N`) and `syncback worker`. By default
(`--jira-start prepared`) every editable issue is scored and a first sync at 0 ms latency brings
Jira to the desired values; then the `--changed` fraction (spread evenly) gets a new score status,
so exactly those issues need a write while every issue is read and compared. With
`--jira-start empty` only the changed fraction is scored and Jira starts empty (fast set-up; the
others are streamed and skipped). The measured sync goes through `request_sync`; it reports:

- wall_s: the run's own time (started_at -> finished_at); ideal_s: (search pages + changed
  writes / concurrency) x latency, the floor at that latency and concurrency (with a rate limit,
  at least (requests - burst) / rate);
  efficiency = ideal_s / wall_s;
- baseline_per_issue_s: a plain sequential loop of `PUT /issue` (one requests.Session), timed on
  `--baseline-issues` issues in the same run; speedup_vs_baseline = per_issue x in_scope / wall_s;
- peak_rss_mb: the largest RSS of any worker process (the work horse runs the sync), sampled
  every 50 ms; peak_tree_rss_mb sums worker and horse (shared pages counted twice);
- with --resync, a second sync with unchanged scores (resync_writes should be 0);
- with --rate-limit R [--burst B], the simulator limits to R requests/s (bucket B): reports
  failed_writes, rate_limited (429s answered) and write_throughput_per_s vs the limit.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil
import requests

from tests.conftest import base_env
from tests.harness.jira_sim import ADMIN_TOKEN, SimServer
from tests.harness.redis_server import RedisServer
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import PRIORITY_FIELD, make_board
from worker.model import Score
from worker.services.sync_requests import request_sync
from worker.store import BoardStore, RunStore, ScoreStore


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scripts/bench sync", description=__doc__.split("\n")[0])
    p.add_argument("--issues", type=int, default=10_000, help="issues in scope (default 10000)")
    p.add_argument("--changed", type=float, default=0.1, help="fraction needing a write (0.1)")
    p.add_argument("--latency-ms", type=float, default=20, help="simulated Jira latency (20)")
    p.add_argument("--concurrency", type=int, default=8, help="worker write threads (8)")
    p.add_argument("--rate-limit", type=float, default=None, help="simulator limit, requests/s")
    p.add_argument("--burst", type=int, default=None, help="rate-limit bucket (default 2 x rate)")
    p.add_argument("--baseline-issues", type=int, default=200, help="issues in the PUT loop")
    p.add_argument("--resync", action="store_true", help="also run a second, unchanged sync")
    p.add_argument(
        "--jira-start",
        choices=["prepared", "empty"],
        default="prepared",
        help="prepared (default): every issue scored and synced first at 0 ms, then the changed "
        "fraction's status moves; empty: Jira starts empty, only the changed fraction is scored",
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds to wait for a run")
    return p.parse_args(argv)


class RssSampler(threading.Thread):
    def __init__(self, worker: WorkerProcess) -> None:
        super().__init__(daemon=True)
        self.worker, self.peak, self.peak_tree = worker, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            sizes = []
            for proc in self.worker.processes():
                try:
                    sizes.append(proc.memory_info().rss)
                except psutil.Error:
                    continue
            if sizes:
                self.peak = max(self.peak, max(sizes))
                self.peak_tree = max(self.peak_tree, sum(sizes))


def editable(n: int) -> bool:
    """The simulator's SHOP-n is Closed (not editable, like Jira's default workflow) every 25th."""
    return n % 25 != 0


def scored_numbers(issues: int, fraction: float) -> list[int]:
    """An evenly spread `fraction` of the editable issue numbers 1..N."""
    picked: set[int] = set()
    for i in range(1, issues + 1):
        if math.floor(i * fraction) != math.floor((i - 1) * fraction):
            picked.add(i if editable(i) or i == 1 else i - 1)  # i-1 is editable when i is not
    return sorted(n for n in picked if editable(n))


def baseline(sim: SimServer, numbers: list[int]) -> float:
    """Seconds per issue of a plain sequential PUT loop (values unchanged: Jira holds null)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
    started = time.perf_counter()
    for n in numbers:
        r = session.put(
            f"{sim.url}/rest/api/2/issue/SHOP-{n}",
            params={"notifyUsers": "false"},
            json={"fields": {PRIORITY_FIELD: None}},
            timeout=30,
        )
        r.raise_for_status()
    return (time.perf_counter() - started) / max(1, len(numbers))


def put_scores(redis, numbers: list[int], issues: int, partial: set[int]) -> None:
    """Distinct scores (so ranks never tie); `partial` ones at 50 %, i.e. "Partially scored"."""
    store = ScoreStore(redis)
    for i in range(0, len(numbers), 5000):
        chunk = numbers[i : i + 5000]
        store.put(
            "bench",
            [
                Score(
                    f"SHOP-{n}",
                    float(issues - n),
                    percent=50.0 if n in partial else 100.0,
                    status="Partially scored" if n in partial else "Scored",
                )
                for n in chunk
            ],
        )


def run_once(redis, sim: SimServer, sampler: RssSampler, timeout: float) -> tuple[dict, dict]:
    before = sim.stats()
    req = request_sync(redis, "bench", "manual")
    deadline = time.monotonic() + timeout
    runs = RunStore(redis)
    while runs.state(req.run_id) not in ("succeeded", "partial", "failed"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {req.run_id} unfinished after {timeout}s")
        time.sleep(0.05)
    after = sim.stats()
    run = runs.get(req.run_id, details=False)
    delta = {
        "requests": after["total"] - before["total"],
        "issue_writes": after["issue_writes"] - before["issue_writes"],
        "rate_limited": after["rate_limited"] - before["rate_limited"],
    }
    return run, delta


def seconds(run: dict) -> float:
    start = datetime.fromisoformat(run["started_at"])
    return (datetime.fromisoformat(run["finished_at"]) - start).total_seconds()


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_sync_"))
    server = RedisServer(tmp / "redis").start()
    sim = SimServer(issues=args.issues, log_dir=tmp).start()
    worker = None
    try:
        redis = server.client()
        numbers = scored_numbers(args.issues, args.changed)
        prepared = args.jira_start == "prepared"
        scored = [n for n in range(1, args.issues + 1) if editable(n)] if prepared else numbers
        BoardStore(redis).create(make_board("bench"))
        put_scores(redis, scored, args.issues, partial=set())
        taken = set(scored)
        unscored = [n for n in range(1, args.issues + 1) if n not in taken and editable(n)]
        # The loop writes null where Jira holds null (before any sync), so it changes nothing.
        sample = (unscored if not prepared else scored)[: args.baseline_issues]
        sim.configure(latency_ms=args.latency_ms)
        per_issue = baseline(sim, sample)
        env = {**base_env(server.url, sim.url), "SYNCBACK_CONCURRENCY": str(args.concurrency)}
        worker = WorkerProcess(env, log=tmp / "worker.log").start()
        sampler = RssSampler(worker)
        sampler.start()
        prep = None
        if prepared:  # Jira at the desired values first, then `changed` issues' status moves
            sim.configure(latency_ms=0)
            prep, _ = run_once(redis, sim, sampler, args.timeout)
            put_scores(redis, numbers, args.issues, partial=set(numbers))
            sim.configure(latency_ms=args.latency_ms)
        if args.rate_limit:
            burst = args.burst or int(2 * args.rate_limit)
            sim.configure(
                latency_ms=args.latency_ms,
                rate_limit={"capacity": burst, "per_second": args.rate_limit},
            )
        run, delta = run_once(redis, sim, sampler, args.timeout)
        wall = seconds(run)
        pages = max(1, math.ceil(args.issues / 1000))
        writes = run["counts"]["written"]
        ideal = (pages + math.ceil(writes / args.concurrency)) * args.latency_ms / 1000
        if args.rate_limit:  # the limit is a floor too: what the bucket does not cover, paced
            burst = args.burst or int(2 * args.rate_limit)
            ideal = max(ideal, (pages + writes - burst) / args.rate_limit)
        out = {
            "issues": args.issues,
            "changed": len(numbers),
            "writes": writes,
            "requests": delta["requests"],
            "wall_s": round(wall, 3),
            "ideal_s": round(ideal, 3),
            "efficiency": round(ideal / wall, 3) if wall else None,
            "baseline_per_issue_s": round(per_issue, 5),
            "baseline_issues_timed": len(sample),
            "speedup_vs_baseline": round(per_issue * run["counts"]["in_scope"] / wall, 1),
            "peak_rss_mb": round(sampler.peak / 2**20, 1),
            "peak_tree_rss_mb": round(sampler.peak_tree / 2**20, 1),
            "state": run["state"],
            "jira_start": args.jira_start,
            "prepare_writes": prep["counts"]["written"] if prep else None,
            "counts": run["counts"],
            "latency_ms": args.latency_ms,
            "concurrency": args.concurrency,
        }
        if args.rate_limit:
            out.update(
                {
                    "rate_limit_per_s": args.rate_limit,
                    "burst": args.burst or int(2 * args.rate_limit),
                    "failed_writes": run["counts"]["failed"],
                    "rate_limited": delta["rate_limited"],
                    "write_throughput_per_s": round(writes / wall, 2),
                    "throughput_vs_limit": round(writes / wall / args.rate_limit, 3),
                }
            )
        if args.resync:
            again, again_delta = run_once(redis, sim, sampler, args.timeout)
            out.update(
                {
                    "resync_writes": again_delta["issue_writes"],
                    "resync_requests": again_delta["requests"],
                    "resync_wall_s": round(seconds(again), 3),
                    "resync_state": again["state"],
                }
            )
            out["peak_rss_mb"] = round(sampler.peak / 2**20, 1)
        sampler.stop.set()
        return out
    finally:
        if worker is not None:
            worker.stop()
        sim.stop()
        server.stop()


if __name__ == "__main__":
    print(json.dumps(main()))
