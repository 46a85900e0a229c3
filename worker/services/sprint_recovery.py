"""Missed sprint ends: a sprint that closed while both of its webhooks were lost still gets its run.

Jira DC never retries a webhook (jira-server-api.md §6.5). The reconciler plans the end of every
active sprint it sees, but a sprint that starts and closes between two passes, with both
`sprint_started` and `sprint_closed` lost, is never seen active. So each pass also reads the
board's newest closed sprints and asks for the sprint-end run of those that closed after the board
was activated and within LOOKBACK, under the webhook path's slot (`sprint-<id>`): one run per
sprint, whichever path gets there first. Turning a board on never replays its old sprints.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from redis import Redis

from worker import scheduling
from worker.jira import JiraClient
from worker.model import Board
from worker.services import schedules, sync_requests
from worker.settings import KEY_PREFIX
from worker.store import BoardNotFoundError, BoardStore

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=14)
"""A closed sprint older than this is never recovered (the reconciler was down that long)."""

PAGE = 50


def seen_key(jira_board_id: int) -> str:
    """How many closed sprints the Jira board had at the last pass (where to start reading)."""
    return f"{KEY_PREFIX}:closed-sprints-seen:{jira_board_id}"


def closed_at(sprint: dict[str, Any]) -> datetime | None:
    """When a closed sprint ended: completeDate, else endDate (a sprint closed without one)."""
    return scheduling.parse_jira_datetime(
        sprint.get("completeDate")
    ) or scheduling.parse_jira_datetime(sprint.get("endDate"))


def skip_reason(board: Board, sprint: dict[str, Any], now: datetime) -> str | None:
    """Why a sprint's end must not be recovered for this board (None when it must)."""
    if str(sprint.get("state", "")).lower() != "closed":
        return "not closed"
    ended = closed_at(sprint)
    if ended is None:
        return "no close date"
    activated = scheduling.parse_jira_datetime(board.activated_at)
    if activated is None or ended <= activated:
        return "closed before the board was activated"
    if now - ended > LOOKBACK:
        return f"closed more than {LOOKBACK.days} days ago"
    return None


def _stamp_activation(redis: Redis, board: Board, now: datetime) -> None:
    """A board activated before `activated_at` was kept counts as activated now (never replays)."""

    def change(b: Board) -> Board:
        if not b.active or b.activated_at:
            return b
        return dataclasses.replace(b, activated_at=now.isoformat())

    with contextlib.suppress(BoardNotFoundError):  # deleted during the pass
        BoardStore(redis).update(board.id, change)


def recover(redis: Redis, jira: JiraClient, board: Board, now: datetime) -> list[dict[str, Any]]:
    """Request the sprint-end run of sprints that closed unseen; returns what was requested."""
    if not board.activated_at:
        _stamp_activation(redis, board, now)
        return []
    key = seen_key(board.jira_board_id)
    hint = int(redis.get(key) or 0)
    sprints, count = jira.closed_sprints_tail(board.jira_board_id, max(0, hint - PAGE))
    redis.set(key, count)
    out = []
    for sprint in sprints:
        if skip_reason(board, sprint, now):
            continue
        sprint_id = int(sprint["id"])
        slot = schedules.sprint_slot(sprint_id)
        if redis.exists(sync_requests.slot_key(board.id, slot)):
            continue  # its run was already asked for, by a webhook or an earlier pass
        schedules.cancel_sprint(redis, board.id, sprint_id)
        try:
            req = sync_requests.request_sync(redis, board.id, "sprint_end", slot=slot)
        except BoardNotFoundError:
            break  # deleted during the pass
        log.info(
            "schedule.sprint_recovered",
            extra={"board": board.id, "sprint": sprint_id, "run_id": req.run_id},
        )
        out.append({"sprint": sprint_id, "run_id": req.run_id, "joined": req.joined})
    return out
