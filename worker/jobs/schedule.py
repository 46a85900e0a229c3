"""Jobs for planned runs: a custom slot fires, a sprint end is reached, the reconciler ticks.

Thin: each re-checks its reason to run, then calls request_sync with its slot, which makes the
run exactly-once per (board, slot) whatever the number of workers or re-deliveries.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from worker import runtime
from worker.jira import JiraError, JiraNotFoundError
from worker.services import reconcile, schedules

log = logging.getLogger(__name__)


def _request(redis: Any, board_id: str, trigger: str, slot: str) -> dict[str, Any]:
    from worker.services.sync_requests import request_sync

    req = request_sync(redis, board_id, trigger, slot=slot)
    log.info("schedule.run", extra={"board": board_id, "slot": slot, "run_id": req.run_id})
    return {"board": board_id, "slot": slot, "run_id": req.run_id, "joined": req.joined}


def run_custom_slot(board_id: str, slot_label: str) -> dict[str, Any]:
    """A custom slot is due: plan the next one first (a failing run never breaks the chain)."""
    rt = runtime.current()
    plan = schedules.plan_board(rt.redis, board_id)
    try:
        board = rt.boards.get(board_id)
    except LookupError:
        return {"board": board_id, "skipped": "board deleted"}
    reason = schedules.custom_slot_due(board, slot_label, datetime.now(UTC))
    if reason:
        log.info("schedule.skip", extra={"board": board_id, "slot": slot_label, "why": reason})
        return {"board": board_id, "slot": slot_label, "skipped": reason, "next": plan["next_run"]}
    result = _request(rt.redis, board_id, "schedule", f"custom-{slot_label}")
    return {**result, "next": plan["next_run"]}


def run_sprint_end(board_id: str, sprint_id: int, end_epoch: int) -> dict[str, Any]:
    """A planned sprint end is reached: re-read the sprint (it may have moved or gone)."""
    rt = runtime.current()
    try:
        board = rt.boards.get(board_id)
    except LookupError:
        return {"board": board_id, "skipped": "board deleted"}
    if not board.active or board.schedule.mode != "sprint_end":
        return {"board": board_id, "skipped": "board not on sprint_end"}
    try:
        sprint = rt.jira().sprint(sprint_id)
    except JiraNotFoundError:
        return {"board": board_id, "sprint": sprint_id, "skipped": "sprint deleted"}
    reason = schedules.sprint_end_reached(sprint, end_epoch)
    if reason:
        return {"board": board_id, "sprint": sprint_id, "skipped": reason}
    return _request(rt.redis, board_id, "sprint_end", schedules.sprint_slot(sprint_id))


def plan_board_sprints(board_id: str) -> dict[str, Any]:
    """Plan the end of the board's active sprints (after a schedule change to sprint_end)."""
    rt = runtime.current()
    board = rt.boards.get(board_id)
    planned = []
    if board.active and board.schedule.mode == "sprint_end":
        for sprint in rt.jira().board_sprints(board.jira_board_id, state="active"):
            planned.append(schedules.plan_sprint_end(rt.redis, board, sprint))
    return {"board": board_id, "planned": planned}


def reconcile_tick() -> dict[str, Any]:
    """Schedule the next tick first, then reconcile (a failure never ends the chain)."""
    rt = runtime.current()
    next_id = reconcile.schedule_next_tick(rt.redis)
    try:
        jira = rt.jira()
    except ValueError:
        jira = None  # JIRA_BASE_URL unset: custom schedules are still repaired
    try:
        report = reconcile.reconcile(rt.redis, jira)
    except JiraError as exc:
        return {"next": next_id, "error": str(exc)}
    return {"next": next_id, **report}
