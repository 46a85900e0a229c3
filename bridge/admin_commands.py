"""`syncback build-plugin` and `syncback demo-seed` (DESIGN §7)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from worker.settings import ConfigError


def _build_plugin(args: argparse.Namespace) -> int:
    from jira_descriptor.builder import DescriptorError, build_jar

    url = args.public_url or os.environ.get("SYNCBACK_PUBLIC_URL", "")
    try:
        path = build_jar(url, Path(args.out), version=args.version)
    except DescriptorError as exc:
        raise ConfigError(str(exc)) from None
    print(path)
    print(
        "Install it in Jira: Administration → Manage apps → Upload app, then choose this file.",
        file=sys.stderr,
    )
    return 0


def _demo_seed(args: argparse.Namespace) -> int:
    from bridge.demo_seed import seed
    from worker import settings
    from worker.connection import connect

    redis = connect(settings.load())
    print(json.dumps(seed(redis, issues=args.issues)))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register build-plugin and demo-seed on the `syncback` parser."""
    p = sub.add_parser(
        "build-plugin",
        help="build the Jira plugin jar that links Jira's admin menu to Sync Back",
        description=(
            "Write an installable XML-only Jira plugin (dist/syncback-jira-plugin-<version>.jar) "
            "whose link in Jira's administration menu opens <public URL>/admin. Install it with "
            "Jira Administration → Manage apps → Upload app."
        ),
    )
    p.add_argument(
        "--public-url",
        default=None,
        help="where users reach Sync Back (default $SYNCBACK_PUBLIC_URL)",
    )
    p.add_argument("--out", default="dist", help="output directory (default dist/)")
    p.add_argument("--version", default="1.0.0", help="plugin version (default 1.0.0)")
    p.set_defaults(func=_build_plugin)

    p = sub.add_parser(
        "demo-seed",
        help="create the demo board linked to SHOP, with scores",
        description=(
            "Create, in Redis ($REDIS_URL), the demo prioritization board 'shop' linked to the "
            "simulator's SHOP project (agile board 1) with criteria and scores for SHOP-1..N. "
            "Running it again changes nothing."
        ),
    )
    p.add_argument("--issues", type=int, default=30, help="score SHOP-1..SHOP-N (default 30)")
    p.set_defaults(func=_demo_seed)
