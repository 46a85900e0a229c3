"""The simulator's own speed and memory: `python -m tests.jira_sim.bench [--issues N]` -> JSON.

Starts a simulator process, then measures start-up time, RSS (idle, after paging every issue,
after writes) and requests/second at zero latency from a pool of 8 threads (one keep-alive
session each) for PUT issue and POST search; GET serverInfo is the baseline (HTTP floor).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psutil
import requests

from tests.harness.jira_sim import ADMIN_TOKEN, SimServer

HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _rss_mb(server: SimServer) -> float:
    return round(psutil.Process(server.proc.pid).memory_info().rss / 2**20, 1)


def _cpu_s(server: SimServer) -> float:
    times = psutil.Process(server.proc.pid).cpu_times()
    return times.user + times.system


def _rps(
    server: SimServer, threads: int, count: int, call: Callable[[requests.Session, int], int]
) -> dict[str, Any]:
    """Throughput from `threads` clients, and the simulator's own CPU time per request."""
    local = threading.local()

    def one(i: int) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return call(local.session, i)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(min(200, count))))  # warm connections
        cpu, started = _cpu_s(server), time.perf_counter()
        statuses = list(pool.map(one, range(count)))
        elapsed, cpu = time.perf_counter() - started, _cpu_s(server) - cpu
    # The client threads share the machine: sim CPU/request bounds what the simulator could do.
    return {"requests": count, "seconds": round(elapsed, 3), "rps": round(count / elapsed),
            "sim_cpu_ms_per_request": round(cpu * 1000 / count, 3),
            "statuses": sorted(set(statuses))}  # fmt: skip


def run(issues: int, threads: int, count: int) -> dict[str, Any]:
    """All measurements for one simulator with `issues` issues."""
    started = time.perf_counter()
    server = SimServer(issues=issues).start()
    startup_s = time.perf_counter() - started
    url = server.url
    try:
        result: dict[str, Any] = {"issues": issues, "threads": threads}
        result["startup_s_including_python"] = round(startup_s, 3)
        result["rss_mb_idle"] = _rss_mb(server)
        paging_started, total, start = time.perf_counter(), 0, 0
        while True:
            body = {"jql": "project = SHOP ORDER BY Rank ASC", "startAt": start,
                    "maxResults": 1000, "fields": ["summary", "customfield_10100"]}  # fmt: skip
            page = requests.post(url + "/rest/api/2/search", json=body, headers=HEADERS).json()
            start += len(page["issues"])
            total = page["total"]
            if not page["issues"] or start >= total:
                break
        result["page_through_all_s"] = round(time.perf_counter() - paging_started, 3)
        result["rss_mb_after_paging"] = _rss_mb(server)
        result["baseline_get_serverinfo"] = _rps(
            server, threads, count, lambda s, i: s.get(url + "/rest/api/2/serverInfo").status_code
        )
        result["put_issue"] = _rps(server, threads, count, lambda s, i: s.put(
            f"{url}/rest/api/2/issue/SHOP-{1 + i % min(issues, 24)}?notifyUsers=false",
            json={"fields": {"customfield_10100": i}}, headers=HEADERS).status_code)  # fmt: skip
        result["post_search_key"] = _rps(server, threads, count, lambda s, i: s.post(
            url + "/rest/api/2/search", json={"jql": f"key in (SHOP-{1 + i % min(issues, 24)})",
            "fields": ["customfield_10100"]}, headers=HEADERS).status_code)  # fmt: skip
        result["rss_mb_after_writes"] = _rss_mb(server)
        return result
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    """Print the measurements as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.jira_sim.bench", description=__doc__)
    parser.add_argument("--issues", type=int, default=100_000, help="SHOP issues (default 100000)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--requests", type=int, default=4000, help="requests per measurement")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.issues, args.threads, args.requests), indent=2))


if __name__ == "__main__":
    main()
