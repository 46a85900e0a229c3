"""The reconciler: repairs missing or stale schedules, recovers lost sprint events, and fails
runs whose worker died (so none stays `running` until someone happens to look).

Runs at worker start and then every RECONCILE_EVERY_S as a self-rescheduling job whose id is the
next grid time (`reconcile_<UTC>`, scheduled with unique=True), so any number of workers starting
at any time converge on one chain. Idempotent: running it twice changes nothing.

For boards on sprint_end it reads the active sprints from Jira and plans their end, so a lost
`sprint_started`/`sprint_updated` delivery (DC never retries; jira-server-api.md §6.5) does not
lose the run; and it reads their recently closed sprints (worker/services/sprint_recovery.py), so
a sprint whose start and close deliveries were both lost between two passes still gets its run.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq.exceptions import DuplicateJobError

from worker import scheduling
from worker.connection import get_queue
from worker.jira import JiraClient, JiraError
from worker.services import schedules, sprint_recovery, sync_requests
from worker.store import BoardStore

log = logging.getLogger(__name__)

RECONCILE_EVERY_S = 300


def reconcile(redis: Redis, jira: JiraClient | None, now: datetime | None = None) -> dict[str, Any]:
    """Fail dead runs; re-plan every board and its active sprints' ends; drop gone boards' jobs."""
    now = now or datetime.now(UTC)
    boards = BoardStore(redis).list()
    report: dict[str, Any] = {"boards": {}, "errors": [], "orphans": [], "stale_runs": []}
    try:
        report["stale_runs"] = sync_requests.sweep_stale(redis, [b.id for b in boards])
    except Exception as exc:  # noqa: BLE001 - a failed sweep must not stop schedule repair
        log.exception("sync.stale_sweep_failed")
        report["errors"].append({"board": None, "message": f"stale-run sweep: {exc}"})
    for board in boards:
        entry = schedules.plan_board(redis, board.id, now)
        if board.active and board.schedule.mode == "sprint_end":
            entry["sprints"] = []
            try:
                if jira is None:
                    raise JiraError("JIRA_BASE_URL is not configured")
                for sprint in jira.board_sprints(board.jira_board_id, state="active"):
                    job_id = schedules.plan_sprint_end(redis, board, sprint, now)
                    entry["sprints"].append({"sprint": sprint.get("id"), "job_id": job_id})
                entry["recovered"] = sprint_recovery.recover(redis, jira, board, now)
            except JiraError as exc:
                report["errors"].append({"board": board.id, "message": str(exc)})
        report["boards"][board.id] = entry
    known = {b.id for b in boards}
    orphans = [
        job_id for job_id in schedules.scheduled_jobs(redis) if job_id.split("_")[1] not in known
    ]
    report["orphans"] = schedules.cancel(redis, orphans)
    log.info(
        "schedule.reconciled",
        extra={
            "boards": len(boards),
            "errors": len(report["errors"]),
            "orphans": len(orphans),
            "stale_runs": len(report["stale_runs"]),
        },
    )
    return report


def tick_job_id(when: datetime) -> str:
    return f"reconcile_{when.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def schedule_next_tick(redis: Redis, now: datetime | None = None) -> str:
    """Schedule the next reconcile at the next grid point (unique: chains merge into one)."""
    from worker.jobs import schedule as schedule_jobs

    when = scheduling.tick_slot(now or datetime.now(UTC), RECONCILE_EVERY_S)
    job_id = tick_job_id(when)
    schedules.schedule_once(redis, job_id, when, schedule_jobs.reconcile_tick, ())
    return job_id


def start(redis: Redis, now: datetime | None = None) -> None:
    """At worker start: reconcile now (once per minute whatever the number of workers)."""
    from worker.jobs import schedule as schedule_jobs

    now = now or datetime.now(UTC)
    queue = get_queue(redis)
    job = queue.create_job(
        schedule_jobs.reconcile_tick,
        job_id=f"reconcile_start_{now.strftime('%Y%m%dT%H%MZ')}",
        result_ttl=3600,
        description="reconcile schedules at worker start",
    )
    with contextlib.suppress(DuplicateJobError):  # another worker started this minute too
        queue.enqueue_job(job, unique=True)
