"""Jobs enqueued by the webhook intake (bridge/events.py). Thin: re-read Jira, call services.

Deliveries may be late, repeated or out of order (DC 10 is async, jira-server-api.md §6.5), so
every job re-reads the sprint from Jira rather than trusting the payload, and every run goes
through request_sync's slot ("sprint-<id>"): one run per sprint however the events arrive.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from worker import runtime, scheduling
from worker.jira import JiraError, JiraNotFoundError
from worker.services import schedules, webhook_events

log = logging.getLogger(__name__)

CLOSED_RECENTLY = timedelta(days=1)
"""A sprint_updated that finds its sprint closed within this window stands in for a lost
sprint_closed; older closed sprints (renamed months later) never trigger a run."""


def _sprint(rt: runtime.Runtime, sprint_id: int) -> dict[str, Any] | None:
    try:
        return rt.jira().sprint(sprint_id)
    except JiraNotFoundError:
        return None


def _sync_sprint(rt: runtime.Runtime, board_id: str, sprint_id: int) -> dict[str, Any]:
    from worker.services.sync_requests import request_sync

    schedules.cancel_sprint(rt.redis, board_id, sprint_id)
    req = request_sync(rt.redis, board_id, "sprint_end", slot=schedules.sprint_slot(sprint_id))
    return {"board": board_id, "run_id": req.run_id, "joined": req.joined}


def on_sprint_changed(sprint_id: int, origin_board_id: int | None) -> dict[str, Any]:
    """sprint_started / sprint_updated: plan (or re-plan) the run at the sprint's end."""
    rt = runtime.current()
    sprint = _sprint(rt, sprint_id)
    if sprint is None:
        return {"sprint": sprint_id, "skipped": "sprint not found in Jira"}
    origin = sprint.get("originBoardId") or origin_board_id
    out: dict[str, Any] = {"sprint": sprint_id, "state": sprint.get("state"), "boards": []}
    for board in schedules.sprint_end_boards(rt.redis, origin):
        if str(sprint.get("state", "")).lower() == "closed":
            done = scheduling.parse_jira_datetime(sprint.get("completeDate"))
            if done and datetime.now(UTC) - done <= CLOSED_RECENTLY:
                out["boards"].append(_sync_sprint(rt, board.id, sprint_id))
            continue
        job_id = schedules.plan_sprint_end(rt.redis, board, sprint)
        out["boards"].append({"board": board.id, "planned": job_id})
    return out


def on_sprint_closed(sprint_id: int, origin_board_id: int | None) -> dict[str, Any]:
    """sprint_closed: run now, unless this sprint's run already happened (slot)."""
    rt = runtime.current()
    origin = origin_board_id
    try:
        sprint = _sprint(rt, sprint_id)
        if sprint is not None:
            origin = sprint.get("originBoardId") or origin
    except JiraError as exc:  # Jira down: the payload's board id is good enough to run
        if origin is None:
            raise  # nothing to go on: fail, so the job's Retry tries again later
        log.warning("webhook.sprint_reread_failed", extra={"sprint": sprint_id, "error": str(exc)})
    boards = schedules.sprint_end_boards(rt.redis, origin)
    return {"sprint": sprint_id, "boards": [_sync_sprint(rt, b.id, sprint_id) for b in boards]}


def on_board_configuration_changed(jira_board_id: int) -> dict[str, Any]:
    """Re-check card layout and sort of our boards on that Jira board; store drift reports."""
    rt = runtime.current()
    jira = rt.jira()
    reports = {}
    for board in rt.boards.list():
        if board.jira_board_id != int(jira_board_id):
            continue
        report = webhook_events.check_board_drift(board, jira)
        webhook_events.save_board_drift(rt.redis, board.id, report)
        reports[board.id] = report
    return {"jira_board_id": jira_board_id, "boards": reports}


def on_issue_deleted(issue_key: str) -> dict[str, Any]:
    """Drop the deleted issue's scores (it can never be written again)."""
    rt = runtime.current()
    return {
        "issue": issue_key,
        "dropped_from": webhook_events.drop_issue_scores(rt.redis, issue_key),
    }


def on_issue_updated(
    issue_key: str, actor: str | None, touched: list[dict[str, Any]], timestamp_ms: int | None
) -> dict[str, Any]:
    """A synced field changed: if not by our own account, record the hand edit for the panel."""
    rt = runtime.current()
    own = webhook_events.service_account(rt.redis, rt.jira())
    return webhook_events.record_manual_edits(
        rt.redis, issue_key, actor, touched, timestamp_ms, own
    )
