"""Schedules held as RQ scheduled jobs: custom weekly slots and planned sprint ends.

Each planned run is one job in RQ's ScheduledJobRegistry with a deterministic id per (board,
UTC slot) (worker/scheduling.py), created with `queue.create_job` + `queue.schedule_job(...,
unique=True)`: rq 2.12 ignores `unique` in `enqueue_at` (rq-redis-flask.md §1.1, §2.2), so two
planners (reconciler, admin save, two workers) can never schedule one slot twice. The run itself
goes through `request_sync(..., slot=...)`, which is exactly-once per (board, slot) on its own.

`plan_board(redis, board_id)` is what the admin API calls after a schedule change.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Retry
from rq.exceptions import DuplicateJobError
from rq.job import Job

from worker import scheduling
from worker.connection import get_queue
from worker.model import Board
from worker.store import BoardNotFoundError, BoardStore

log = logging.getLogger(__name__)

SLOT_RESULT_TTL_S = 7 * 24 * 3600
SLOT_FAILURE_TTL_S = 30 * 24 * 3600
LATE_TOLERANCE = timedelta(hours=6)
"""A custom slot found more than this late (everything was down) is skipped, not run on
Wednesday for Monday; the next slot is planned as usual."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def scheduled_jobs(redis: Redis, board_id: str | None = None) -> dict[str, datetime]:
    """Scheduled job ids (of one board, or every schedule job) and when they run, in UTC."""
    registry = get_queue(redis).scheduled_job_registry
    prefixes = scheduling.board_job_prefixes(board_id) if board_id else ("custom_", "sprintend_")
    out = {}
    for raw, score in redis.zrange(registry.key, 0, -1, withscores=True):
        job_id = raw.decode()
        if job_id.startswith(prefixes):
            out[job_id] = datetime.fromtimestamp(score, UTC)
    return out


def schedule_once(
    redis: Redis, job_id: str, when: datetime, func: Any, args: tuple[Any, ...]
) -> bool:
    """Schedule `func(*args)` at `when` under `job_id`; False when that id already exists."""
    queue = get_queue(redis)
    job = queue.create_job(
        func,
        args=args,
        job_id=job_id,
        result_ttl=SLOT_RESULT_TTL_S,
        failure_ttl=SLOT_FAILURE_TTL_S,
        description=job_id,
        # Redis or Jira briefly away at the slot: try again (the slot keeps it to one run).
        retry=Retry(max=3, interval=[30, 120, 600]),
    )
    try:
        queue.schedule_job(job, when, unique=True)
    except DuplicateJobError:
        return False
    log.info("schedule.planned", extra={"job_id": job_id, "at": when.isoformat()})
    return True


def cancel(redis: Redis, job_ids: list[str]) -> list[str]:
    """Remove scheduled jobs (only while still scheduled: a started one is left alone)."""
    registry = get_queue(redis).scheduled_job_registry
    cancelled = []
    for job_id in job_ids:
        if not registry.remove(job_id):
            continue
        # Removed from the registry first (atomic ZREM): if the scheduler moved it to the queue
        # a moment ago, ZREM finds nothing and the job runs; its own checks then decide.
        redis.delete(Job.key_for(job_id))
        cancelled.append(job_id)
        log.info("schedule.cancelled", extra={"job_id": job_id})
    return cancelled


# -- custom period -----------------------------------------------------------------------------


def plan_board(redis: Redis, board_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Bring a board's scheduled jobs in line with its schedule; safe to call any time, often.

    custom: exactly the next slot is scheduled, nothing else. sprint_end: custom slots go;
    planned sprint ends stay (they are planned from Jira's sprints, see `plan_sprint_end`, and
    the reconciler re-reads Jira for them). Inactive or deleted board: everything goes.
    """
    from worker.jobs import schedule as schedule_jobs

    now = _now(now)
    existing = scheduled_jobs(redis, board_id)
    try:
        board: Board | None = BoardStore(redis).get(board_id)
    except BoardNotFoundError:
        board = None
    keep: set[str] = set()
    result: dict[str, Any] = {"board": board_id, "next_run": None, "scheduled": []}
    if board is not None and board.active and board.schedule.mode == "custom":
        try:
            slot = scheduling.next_custom_slot(board.schedule, now)
        except scheduling.ScheduleError as exc:
            # Stored before validation existed, or a zone dropped from tzdata: report, plan
            # nothing, and let the other boards be planned.
            log.warning("schedule.invalid", extra={"board": board_id, "error": str(exc)})
            result["error"] = str(exc)
        else:
            job_id = scheduling.custom_job_id(board_id, slot)
            keep.add(job_id)
            args = (board_id, scheduling.slot_label(slot))
            if schedule_once(redis, job_id, slot, schedule_jobs.run_custom_slot, args):
                result["scheduled"].append(job_id)
            result["next_run"] = slot.isoformat()
    elif board is not None and board.active and board.schedule.mode == "sprint_end":
        keep.update(j for j in existing if j.startswith(f"sprintend_{board_id}_"))
        ends = sorted(existing[j] for j in keep)
        result["next_run"] = ends[0].isoformat() if ends else None
    result["mode"] = board.schedule.mode if board else None
    result["cancelled"] = cancel(redis, sorted(set(existing) - keep))
    return result


def custom_slot_due(board: Board, label: str, now: datetime) -> str | None:
    """Why a fired custom slot must not run (None when it should)."""
    if not board.active:
        return "board inactive"
    if board.schedule.mode != "custom":
        return "schedule is no longer custom"
    slot = scheduling.parse_slot_label(label)
    if scheduling.next_custom_slot(board.schedule, slot - timedelta(seconds=1)) != slot:
        return "slot no longer matches the schedule"
    if now - slot > LATE_TOLERANCE:
        return f"slot is {now - slot} late (tolerance {LATE_TOLERANCE})"
    return None


# -- sprint end --------------------------------------------------------------------------------


def sprint_end_boards(redis: Redis, jira_board_id: int | None) -> list[Board]:
    """Active boards linked to that Jira board whose schedule is sprint_end."""
    if jira_board_id is None:
        return []
    return [
        b
        for b in BoardStore(redis).list()
        if b.active and b.jira_board_id == int(jira_board_id) and b.schedule.mode == "sprint_end"
    ]


def _sprint_jobs(redis: Redis, board_id: str, sprint_id: int) -> list[str]:
    prefix = f"sprintend_{board_id}_{sprint_id}_"
    return [j for j in scheduled_jobs(redis, board_id) if j.startswith(prefix)]


def plan_sprint_end(
    redis: Redis, board: Board, sprint: dict[str, Any], now: datetime | None = None
) -> str | None:
    """Schedule the run at an active sprint's endDate (re-planned when it moved); returns the
    job id, or None when nothing is planned (sprint not active, no end date)."""
    from worker.jobs import schedule as schedule_jobs

    now = _now(now)
    sprint_id = int(sprint["id"])
    end = scheduling.parse_jira_datetime(sprint.get("endDate"))
    planned = _sprint_jobs(redis, board.id, sprint_id)
    if str(sprint.get("state", "")).lower() != "active" or end is None:
        cancel(redis, planned)
        return None
    job_id = scheduling.sprint_end_job_id(board.id, sprint_id, end)
    cancel(redis, [j for j in planned if j != job_id])
    args = (board.id, sprint_id, int(end.timestamp()))
    # An end date already past (sprint overran) runs at once; the slot keeps it to one run.
    schedule_once(redis, job_id, max(end, now), schedule_jobs.run_sprint_end, args)
    return job_id


def cancel_sprint(redis: Redis, board_id: str, sprint_id: int) -> list[str]:
    return cancel(redis, _sprint_jobs(redis, board_id, sprint_id))


def sprint_slot(sprint_id: int) -> str:
    return f"sprint-{sprint_id}"


def sprint_end_reached(sprint: dict[str, Any], end_epoch: int) -> str | None:
    """Why a fired sprint-end job must not run (None when it should)."""
    state = str(sprint.get("state", "")).lower()
    if state == "closed":
        return None
    if state != "active":
        return f"sprint is {state or 'in an unknown state'}"
    end = scheduling.parse_jira_datetime(sprint.get("endDate"))
    if end is None or int(end.timestamp()) != end_epoch:
        return "sprint end date moved (re-planned)"
    return None
