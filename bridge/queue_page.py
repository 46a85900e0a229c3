"""`/admin/queue`: RQ's queue and registries for administrators, with requeue of failed jobs.

Built on RQ's own registries rather than rq-dashboard: our auth (admin session + CSRF, or the
API token) applies unchanged and there is no second JavaScript app to secure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf
from rq import Queue, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import BaseRegistry
from rq.serializers import JSONSerializer

from bridge.auth import require_admin, session_user
from bridge.errors import NotFoundError
from bridge.extensions import resources
from worker.logs import redact

bp = Blueprint("queue_page", __name__, url_prefix="/admin/queue")

PAGE_SIZE = 50
"""Jobs listed per section; the counts show the full size."""


@dataclass(frozen=True)
class JobRow:
    id: str
    func: str
    args: str
    status: str
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    scheduled_for: datetime | None = None
    error_summary: str = ""
    error: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    count: int
    jobs: list[JobRow]


def _row(job: Job, scheduled_for: datetime | None = None) -> JobRow:
    try:
        call = [json.dumps(a) for a in job.args]
        call += [f"{k}={json.dumps(v)}" for k, v in job.kwargs.items()]
        args = ", ".join(call)
        func = job.func_name
    except Exception:  # a job written by another serializer must not break the page
        args, func = "(unreadable)", "(unreadable)"
    result = job.latest_result() if job.is_failed else None
    error = redact((result.exc_string if result else None) or "")
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return JobRow(
        id=job.id,
        func=func,
        args=args,
        status=str(job.get_status(refresh=False) or ""),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        ended_at=job.ended_at,
        scheduled_for=scheduled_for,
        error_summary=lines[-1] if lines else "",
        error=error,
    )


def _jobs(queue: Queue, ids: list[str]) -> list[Job]:
    jobs = Job.fetch_many(ids, connection=queue.connection, serializer=JSONSerializer)
    return [job for job in jobs if job is not None]


def _registry_section(key: str, title: str, registry: BaseRegistry) -> Section:
    ids = registry.get_job_ids(0, PAGE_SIZE - 1, cleanup=False)
    rows = []
    for job in _jobs(registry.get_queue(), ids):
        when = registry.get_scheduled_time(job) if key == "scheduled" else None
        rows.append(_row(job, when))
    return Section(key, title, registry.get_job_count(cleanup=False), rows)


def sections(queue: Queue) -> list[Section]:
    """Queued, running, scheduled, failed and deferred jobs, newest pages first."""
    queued = [_row(j) for j in _jobs(queue, queue.get_job_ids(0, PAGE_SIZE - 1))]
    return [
        Section("queued", "Queued", queue.count, queued),
        _registry_section("started", "Running", queue.started_job_registry),
        _registry_section("scheduled", "Scheduled", queue.scheduled_job_registry),
        _registry_section("failed", "Failed", queue.failed_job_registry),
        _registry_section("deferred", "Waiting on another job", queue.deferred_job_registry),
    ]


def workers(queue: Queue) -> list[dict[str, Any]]:
    out = []
    for worker in Worker.all(connection=queue.connection):
        out.append(
            {
                "name": worker.name,
                "hostname": worker.hostname,
                "pid": worker.pid,
                "state": str(worker.get_state()),
                "job": worker.get_current_job_id(),
                "heartbeat": worker.last_heartbeat,
            }
        )
    return sorted(out, key=lambda w: w["name"])


@bp.get("")
@require_admin
def index() -> ResponseReturnValue:
    queue = resources().queue
    return render_template(
        "queue/index.html",
        sections=sections(queue),
        workers=workers(queue),
        requeued=request.args.get("requeued", ""),
        user=session_user(),
        csrf_token_value=generate_csrf(),
    )


@bp.post("/failed/<job_id>/requeue")
@require_admin
def requeue(job_id: str) -> ResponseReturnValue:
    registry = resources().queue.failed_job_registry
    if job_id not in registry:
        raise NotFoundError(f"no failed job {job_id!r}")
    try:
        registry.requeue(job_id)
    except (NoSuchJobError, InvalidJobOperation) as exc:
        raise NotFoundError(f"failed job {job_id!r} cannot be requeued: {exc}") from exc
    return redirect(url_for("queue_page.index", requeued=job_id), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
