"""`syncback` command line: serve, worker, and the operator commands of DESIGN §7."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from worker.settings import ConfigError

LOG_LEVEL_HELP = "DEBUG, INFO, WARNING or ERROR (default $SYNCBACK_LOG_LEVEL or INFO)"


def _serve(args: argparse.Namespace) -> int:
    from bridge.serve import serve

    return serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        dev=args.dev,
        log_level=args.log_level,
    )


def _worker(args: argparse.Namespace) -> int:
    from worker import settings
    from worker.logs import configure_logging
    from worker.runner import run_worker

    configure_logging(args.log_level)
    run_worker(settings.load(), burst=args.burst, name=args.name)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncback",
        description="Sync Back for Jira Server: write prioritization results into Jira.",
        epilog="Configuration comes from the environment; see README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "serve",
        help="run the bridge (admin panel, API, webhooks)",
        description="Run the bridge HTTP server (gunicorn unless --dev).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn worker processes (default $SYNCBACK_WEB_WORKERS or 2)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per gunicorn worker (default $SYNCBACK_WEB_THREADS or 4)",
    )
    p.add_argument("--dev", action="store_true", help="use Flask's development server")
    p.add_argument("--log-level", default=None, help=LOG_LEVEL_HELP)
    p.set_defaults(func=_serve)

    p = sub.add_parser(
        "worker",
        help="run a worker that executes sync jobs",
        description="Run an RQ worker (with scheduler) on the syncback queue.",
    )
    p.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    p.add_argument("--name", default=None, help="worker name shown in the queue page")
    p.add_argument("--log-level", default=None, help=LOG_LEVEL_HELP)
    p.set_defaults(func=_worker)

    from bridge import register_webhooks

    register_webhooks.add_command(sub)
    from bridge import admin_commands

    admin_commands.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"syncback: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
