"""`syncback register-webhooks [--dry-run]`: register our webhook in Jira (DESIGN §6, §7)."""

from __future__ import annotations

import argparse
import sys

from worker.settings import ConfigError


def _run(args: argparse.Namespace) -> int:
    from bridge import config as bridge_config
    from bridge.events import SUBSCRIBED_EVENTS
    from worker.jira import JiraClient, JiraError
    from worker.services.webhook_registration import redact_url, register

    config = bridge_config.load()
    settings = config["SYNCBACK_SETTINGS"]
    public_url, token = config["SYNCBACK_PUBLIC_URL"], config["SYNCBACK_WEBHOOK_TOKEN"]
    if not public_url:
        raise ConfigError("SYNCBACK_PUBLIC_URL: required (the URL Jira can reach the bridge at)")
    if not token:
        raise ConfigError("SYNCBACK_WEBHOOK_TOKEN: required (the secret part of the webhook URL)")
    if not settings.jira.base_url:
        raise ConfigError("JIRA_BASE_URL: required")
    secret = config["SYNCBACK_WEBHOOK_SECRET"]
    try:
        reg = register(
            JiraClient(settings.jira),
            public_url,
            token,
            list(SUBSCRIBED_EVENTS),
            secret=secret,
            dry_run=args.dry_run,
        )
    except JiraError as exc:
        print(f"syncback: Jira refused or is unreachable: {exc}", file=sys.stderr)
        return 1
    verb = {"create": "create", "update": "update", "unchanged": "keep"}[reg.action]
    prefix = "would " if args.dry_run and reg.action != "unchanged" else ""
    target = f" {reg.webhook_id}" if reg.webhook_id else ""
    print(f"Jira {reg.version}: webhooks at {reg.path}")
    print(f"{prefix}{verb} webhook{target} -> {redact_url(reg.url, token)}")
    print(f"events: {', '.join(reg.events)}")
    if secret and reg.major >= 10:
        print("signing: X-Hub-Signature sha256 with SYNCBACK_WEBHOOK_SECRET (not shown)")
    elif secret:
        print("note: Jira 9.x does not sign deliveries; the URL token is the only check")
    if reg.others:
        print(
            f"note: more webhooks point at this bridge: {', '.join(reg.others)} (left as they are)"
        )
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "register-webhooks",
        help="register (or update) syncback's webhook in Jira",
        description=(
            "Register the webhook Jira calls on sprint, board and issue events, on the path the "
            "Jira version needs (/rest/webhooks/1.0/webhook up to 9.x, "
            "/rest/jira-webhook/1.0/webhooks from 10.0). An existing webhook pointing at "
            "$SYNCBACK_PUBLIC_URL/webhooks/jira/ is updated, never duplicated. Needs "
            "JIRA_BASE_URL, Jira admin credentials, SYNCBACK_PUBLIC_URL, SYNCBACK_WEBHOOK_TOKEN "
            "and optionally SYNCBACK_WEBHOOK_SECRET."
        ),
    )
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be done; change nothing in Jira"
    )
    p.set_defaults(func=_run)
