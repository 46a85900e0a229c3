"""Which Jira webhook events we act on: a registry `{webhookEvent: Handler}` and an ignored list.

A handler validates the fields it reads (schemas in `bridge/schemas/webhooks/`, extra properties
allowed) and turns the delivery into job calls; the jobs (worker/jobs/webhooks.py) re-read Jira
and do the work, because DC 10 delivers asynchronously: late, twice, or out of order
(jira-server-api.md §6.5). Handlers never write anything themselves.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis import Redis

from worker.jobs import webhooks as jobs
from worker.services.webhook_events import synced_field_keys
from worker.store import BoardStore


@dataclass(frozen=True)
class JobCall:
    """One job to enqueue: an importable function and JSON-able arguments."""

    func: Callable[..., Any]
    args: tuple[Any, ...] = ()


SYNCED_FIELDS_TTL_S = float(os.environ.get("SYNCBACK_WEBHOOK_BOARD_CACHE_S", "5"))
"""How long a bridge process reuses the set of synced field names: issue_updated is by far the
most frequent event, and re-reading every board for each one costs a fifth of the intake's
throughput. A field mapped seconds ago may miss a hand-edit notice; the next sync restores the
value regardless."""

_synced_cache: weakref.WeakKeyDictionary[Redis, tuple[float, set[str]]] = (
    weakref.WeakKeyDictionary()
)  # per Redis client, i.e. per app
_synced_lock = threading.Lock()


@dataclass
class EventContext:
    """What a handler may look at: the Redis the bridge uses (read-only)."""

    redis: Redis

    def synced_fields(self) -> set[str]:
        """Names and ids of every mapped sync field of every board (cached per process)."""
        key = self.redis
        now = time.monotonic()
        with _synced_lock:
            cached = _synced_cache.get(key)
        if cached and now - cached[0] < SYNCED_FIELDS_TTL_S:
            return cached[1]
        fields = synced_field_keys(BoardStore(self.redis).list())
        with _synced_lock:
            _synced_cache[key] = (now, fields)
        return fields


def clear_cache() -> None:
    """Forget cached board data (tests change boards between deliveries)."""
    with _synced_lock:
        _synced_cache.clear()


@dataclass(frozen=True)
class Handler:
    schema: str
    plan: Callable[[dict[str, Any], EventContext], list[JobCall]]


def _ids(sprint: dict[str, Any]) -> tuple[int, int | None]:
    """JSON Schema's integer admits 1.0; the slot "sprint-1" must never become "sprint-1.0"."""
    origin = sprint.get("originBoardId")
    return int(sprint["id"]), int(origin) if origin is not None else None


def _sprint_changed(payload: dict[str, Any], ctx: EventContext) -> list[JobCall]:
    return [JobCall(jobs.on_sprint_changed, _ids(payload["sprint"]))]


def _sprint_closed(payload: dict[str, Any], ctx: EventContext) -> list[JobCall]:
    return [JobCall(jobs.on_sprint_closed, _ids(payload["sprint"]))]


def _board_configuration_changed(payload: dict[str, Any], ctx: EventContext) -> list[JobCall]:
    board = payload.get("configuration") or payload["board"]
    return [JobCall(jobs.on_board_configuration_changed, (int(board["id"]),))]


def _issue_deleted(payload: dict[str, Any], ctx: EventContext) -> list[JobCall]:
    return [JobCall(jobs.on_issue_deleted, (payload["issue"]["key"],))]


def _issue_updated(payload: dict[str, Any], ctx: EventContext) -> list[JobCall]:
    """Only edits that touch a synced field become a job: most issue edits are not ours."""
    items = (payload.get("changelog") or {}).get("items") or []
    synced = ctx.synced_fields() if items else set()
    # Server's changelog names custom fields by NAME (no fieldId; jira-server-api.md §6.3).
    touched = [
        {
            "field": item["field"],
            "field_id": item.get("fieldId"),
            "from": item.get("fromString"),
            "to": item.get("toString"),
        }
        for item in items
        if item["field"] in synced or item.get("fieldId") in synced
    ]
    if not touched:
        return []
    user = payload.get("user") or {}
    actor = user.get("name") or user.get("key")
    issue = payload["issue"]["key"]
    return [JobCall(jobs.on_issue_updated, (issue, actor, touched, payload.get("timestamp")))]


HANDLERS: dict[str, Handler] = {
    "sprint_started": Handler("webhooks/sprint", _sprint_changed),
    "sprint_updated": Handler("webhooks/sprint", _sprint_changed),
    "sprint_closed": Handler("webhooks/sprint", _sprint_closed),
    "board_configuration_changed": Handler(
        "webhooks/board_configuration_changed", _board_configuration_changed
    ),
    "jira:issue_deleted": Handler("webhooks/issue_deleted", _issue_deleted),
    "jira:issue_updated": Handler("webhooks/issue_updated", _issue_updated),
}

IGNORED_EVENTS: frozenset[str] = frozenset(
    {
        # Known Jira events that need nothing from us (jira-server-api.md §6.2).
        "jira:issue_created",
        "sprint_created",
        "sprint_deleted",  # a planned sprint-end job re-reads the sprint and skips it
        "board_created",
        "board_updated",
        "board_deleted",
        "comment_created",
        "comment_updated",
        "comment_deleted",
        "worklog_created",
        "worklog_updated",
        "worklog_deleted",
        "issuelink_created",
        "issuelink_deleted",
        "attachment_created",
        "attachment_deleted",
        "project_created",
        "project_updated",
        "project_deleted",
        "jira:version_created",
        "jira:version_updated",
        "jira:version_deleted",
        "jira:version_released",
        "jira:version_unreleased",
        "jira:version_moved",
        "jira:version_merged",
        "user_created",
        "user_updated",
        "user_deleted",
        "filter_created",
        "filter_updated",
        "filter_deleted",
        "option_voting_changed",
        "option_watching_changed",
        "option_unassigned_issues_changed",
        "option_subtasks_changed",
        "option_attachments_changed",
        "option_issuelinks_changed",
        "option_timetracking_changed",
    }
)

SUBSCRIBED_EVENTS: tuple[str, ...] = tuple(HANDLERS)
"""What `syncback register-webhooks` asks Jira to send."""

assert not IGNORED_EVENTS & set(HANDLERS), "an event is either handled or ignored"
