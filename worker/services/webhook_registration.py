"""Register syncback's webhook in Jira: create it, or update ours; never a duplicate.

The resource moved in Jira 10 (`/rest/webhooks/1.0/webhook` up to 9.x,
`/rest/jira-webhook/1.0/webhooks` from 10.0; JRASERVER-78733, jira-server-api.md §6.1), so the
path follows `serverInfo.versionNumbers`. Ours is recognised by its URL prefix
(`$SYNCBACK_PUBLIC_URL/webhooks/jira/`), so a rotated token updates the same webhook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from worker.jira import JiraClient

WEBHOOK_NAME = "Sync Back"
INTAKE_PATH = "/webhooks/jira/"


@dataclass
class Registration:
    """What was (or, in a dry run, would be) done."""

    action: str  # "create" | "update" | "unchanged"
    version: str
    major: int
    path: str
    url: str
    events: list[str]
    webhook_id: str | None = None
    others: list[str] = field(default_factory=list)
    dry_run: bool = False


def intake_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{INTAKE_PATH}{token}"


def redact_url(url: str, token: str) -> str:
    """The URL with all but the first 4 characters of the token hidden."""
    return url.replace(token, f"{token[:4]}…(redacted)") if token else url


def webhook_id(hook: dict[str, Any]) -> str | None:
    """10.x answers `id`; 9.x answers `self` ending in the id (n8n's getId)."""
    if hook.get("id") is not None:
        return str(hook["id"])
    self_url = str(hook.get("self") or "")
    return self_url.rstrip("/").rsplit("/", 1)[-1] or None


def desired_body(
    url: str, events: list[str], major: int, secret: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": WEBHOOK_NAME,
        "url": url,
        "events": list(events),
        "excludeBody": False,
    }
    if major >= 10:
        body["active"] = True
        if secret:
            body["secret"] = secret  # DC 10 signs deliveries with it (X-Hub-Signature)
    else:
        body["filters"] = {}
    return body


def _same(hook: dict[str, Any], body: dict[str, Any]) -> bool:
    return (
        hook.get("url") == body["url"]
        and sorted(hook.get("events") or []) == sorted(body["events"])
        and hook.get("name") == body["name"]
        and hook.get("active", True) is not False
    )


def register(
    jira: JiraClient,
    public_url: str,
    token: str,
    events: list[str],
    secret: str | None = None,
    dry_run: bool = False,
) -> Registration:
    """Create or update our webhook on the version's path (nothing is sent with dry_run)."""
    info = jira.server_info()
    numbers = info.get("versionNumbers") or [0]
    major = int(numbers[0])
    url = intake_url(public_url, token)
    body = desired_body(url, events, major, secret)
    prefix = f"{public_url.rstrip('/')}{INTAKE_PATH}"
    ours = [h for h in jira.webhooks(major) if str(h.get("url", "")).startswith(prefix)]
    reg = Registration(
        action="create",
        version=str(info.get("version") or ".".join(map(str, numbers))),
        major=major,
        path=jira.webhooks_path(major),
        url=url,
        events=list(events),
        dry_run=dry_run,
    )
    if ours:
        reg.webhook_id = webhook_id(ours[0])
        reg.others = [i for i in (webhook_id(h) for h in ours[1:]) if i]
        # A secret cannot be read back, so with one configured (10.x) we always re-send it.
        resend = bool(secret) and major >= 10
        reg.action = "unchanged" if _same(ours[0], body) and not resend else "update"
    if dry_run or reg.action == "unchanged":
        return reg
    if reg.action == "create":
        created = jira.create_webhook(major, body) or {}
        reg.webhook_id = webhook_id(created)
    else:
        jira.update_webhook(major, reg.webhook_id, body)
    return reg
