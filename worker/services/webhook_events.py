"""What webhook jobs do besides scheduling: drop a deleted issue's scores, notice hand edits of
synced fields, re-check a board's configuration for drift; and count deliveries.

Panel reads: `manual_edits(redis, board_id)`, `board_drift(redis, board_id)`; deliveries are
counted in the `webhook_events` metric [event, outcome] (worker/telemetry.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from redis import Redis

from worker import telemetry
from worker.jira import JiraClient
from worker.model import Board
from worker.services.board_config import CARD_LIMIT, MODES
from worker.settings import KEY_PREFIX
from worker.store import BoardStore, ScoreStore

log = logging.getLogger(__name__)

EDITS_LIMIT = 200
SELF_KEY = f"{KEY_PREFIX}:jira:self"
SELF_TTL_S = 3600


def edits_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:manual-edits:{board_id}"


def drift_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:board-drift:{board_id}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- deliveries ------------------------------------------------------------------------------


def record_deliveries(redis: Redis, counts: Mapping[tuple[str, str], int]) -> None:
    """Add delivery counts by (event, outcome) to the `webhook_events` metric; never raises."""
    for (event, outcome), amount in counts.items():
        telemetry.record(redis, "webhook_events", {"event": event, "outcome": outcome}, amount)


# -- synced fields and hand edits --------------------------------------------------------------


def synced_field_keys(boards: Iterable[Board]) -> set[str]:
    """Every name and id a changelog item may use for a mapped field of any board."""
    keys: set[str] = set()
    for board in boards:
        for f in board.mapped_fields():
            keys.update((f.name, f.tracker_field or ""))
    keys.discard("")
    return keys


def project_of(issue_key: str) -> str:
    return issue_key.rsplit("-", 1)[0]


def boards_of_issue(boards: Iterable[Board], issue_key: str) -> list[Board]:
    project = project_of(issue_key)
    return [b for b in boards if project in b.project_keys]


def service_account(redis: Redis, jira: JiraClient) -> str | None:
    """The Jira user syncback writes as (cached an hour), to tell our writes from hand edits."""
    cached = redis.get(SELF_KEY)
    if cached is not None:
        return cached.decode() or None
    me = jira.myself()
    name = me.get("name") or me.get("key") or ""
    redis.set(SELF_KEY, name, ex=SELF_TTL_S)
    return name or None


def record_manual_edits(
    redis: Redis,
    issue: str,
    actor: str | None,
    touched: list[dict[str, Any]],
    timestamp_ms: int | None,
    own_account: str | None,
) -> dict[str, Any]:
    """Record hand edits of synced fields per board; edits by our own account are ignored.

    Nothing else is needed to restore the value: every run re-reads Jira and rewrites what
    differs from the desired value (DESIGN §4), so the next run puts it back.
    """
    if actor and own_account and actor == own_account:
        return {"issue": issue, "recorded": [], "ignored": "written by syncback"}
    at = (
        datetime.fromtimestamp(timestamp_ms / 1000, UTC).isoformat(timespec="seconds")
        if timestamp_ms
        else now_iso()
    )
    recorded = []
    for board in boards_of_issue(BoardStore(redis).list(), issue):
        mapped = {f.name: f for f in board.mapped_fields()}
        mapped.update({f.tracker_field: f for f in board.mapped_fields()})
        entries = []
        for item in touched:
            f = mapped.get(item.get("field_id")) or mapped.get(item["field"])
            if f is None:
                continue
            entries.append(
                {
                    "at": at,
                    "issue": issue,
                    "field": f.tracker_field,
                    "source": f.source,
                    "name": item["field"],
                    "from": item.get("from"),
                    "to": item.get("to"),
                    "user": actor,
                }
            )
        if not entries:
            continue
        with redis.pipeline(transaction=False) as pipe:
            pipe.lpush(edits_key(board.id), *(json.dumps(e) for e in entries))
            pipe.ltrim(edits_key(board.id), 0, EDITS_LIMIT - 1)
            pipe.execute()
        telemetry.record(redis, "manual_edits", {"board": board.id}, len(entries))
        recorded.append({"board": board.id, "fields": [e["field"] for e in entries]})
    return {"issue": issue, "recorded": recorded}


def manual_edits(redis: Redis, board_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Hand edits of synced fields noticed on this board, newest first."""
    return [json.loads(e) for e in redis.lrange(edits_key(board_id), 0, limit - 1)]


# -- deleted issues --------------------------------------------------------------------------


def drop_issue_scores(redis: Redis, issue: str) -> list[str]:
    """Delete a deleted issue's scores from every board whose projects include it."""
    scores = ScoreStore(redis)
    return [
        b.id
        for b in boards_of_issue(BoardStore(redis).list(), issue)
        if scores.delete_issue(b.id, issue)
    ]


# -- board configuration drift ---------------------------------------------------------------


def _layout_field_ids(layout: list[dict[str, Any]]) -> set[str]:
    return {str(item.get("fieldId") or item.get("id") or "") for item in layout} - {""}


def _order_by(jql: str) -> str:
    match = re.search(r"\border\s+by\b(.*)$", jql, flags=re.IGNORECASE | re.DOTALL)
    return match.group(1).strip() if match else ""


def _sorts_by(order_by: str, field_id: str, name: str) -> bool:
    """Is the first ORDER BY term this field (by id, cf[NNN] or quoted name)?"""
    first = order_by.split(",")[0].strip().lower()
    number = field_id.rsplit("_", 1)[-1]
    candidates = {field_id.lower(), f"cf[{number}]", f'"{name.lower()}"', name.lower()}
    return any(first == c or first.startswith(c + " ") for c in candidates)


def check_board_drift(board: Board, jira: JiraClient) -> dict[str, Any]:
    """Compare the board's card layout and sort in Jira with what the board's options ask for."""
    drift: list[dict[str, Any]] = []
    wanted = [f.tracker_field for f in board.mapped_fields()][:CARD_LIMIT]
    for mode, option in MODES:
        if not board.options.card_layout.get(option) or not wanted:
            continue
        present = _layout_field_ids(jira.card_layout(board.jira_board_id, mode))
        missing = [f for f in wanted if f not in present]
        if missing:
            drift.append({"kind": "card_layout", "mode": mode, "missing": missing})
    sort_source = board.options.sort_board_by
    if sort_source:
        target = next((f for f in board.mapped_fields() if f.source == sort_source), None)
        config = jira.board_configuration(board.jira_board_id)
        filter_id = (config.get("filter") or {}).get("id")
        jql = jira.filter(filter_id).get("jql", "") if filter_id else ""
        order_by = _order_by(jql)
        if target is None or not _sorts_by(order_by, target.tracker_field or "", target.name):
            drift.append({"kind": "sort", "expected": sort_source, "order_by": order_by or None})
    return {
        "checked_at": now_iso(),
        "jira_board_id": board.jira_board_id,
        "ok": not drift,
        "drift": drift,
    }


def save_board_drift(redis: Redis, board_id: str, report: dict[str, Any]) -> None:
    redis.set(drift_key(board_id), json.dumps(report))


def board_drift(redis: Redis, board_id: str) -> dict[str, Any] | None:
    """The last drift report of a board (`{"checked_at", "ok", "drift": [...]}`), if any."""
    raw = redis.get(drift_key(board_id))
    return json.loads(raw) if raw else None
