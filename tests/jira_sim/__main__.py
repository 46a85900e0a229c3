"""`python -m tests.jira_sim --port P [--version 9.12|10.3] [--dataset demo|empty] [--issues N]`."""

from __future__ import annotations

import argparse
import resource
import signal
import sys
import time

from tests.jira_sim.app import Sim
from tests.jira_sim.dataset import VERSIONS
from tests.jira_sim.server import make_server


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of DESIGN.md §8."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.jira_sim",
        description="Simulated Jira Server / Data Center over HTTP (tests, demos, benchmarks).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8090, help="port to listen on (default 8090)")
    parser.add_argument("--version", choices=sorted(VERSIONS), default="10.3", help="Jira version")
    parser.add_argument("--dataset", choices=["demo", "empty"], default="demo", help="seed data")
    parser.add_argument("--issues", type=int, default=None, help="SHOP issues (default 30)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Build the state, serve until SIGTERM."""
    args = parse_args(argv)
    started = time.perf_counter()
    sim = Sim(args.dataset, args.issues, args.version)
    server = make_server(sim, args.host, args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"jira_sim {args.version} dataset={args.dataset} issues={args.issues} "
        f"listening on {sim.base_url} (start-up {time.perf_counter() - started:.3f}s, "
        f"max RSS {rss_mb:.1f} MB)",
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        sim.webhooks.stop()
        server.server_close()


if __name__ == "__main__":
    main()
