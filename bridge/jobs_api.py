"""`GET /api/jobs/<job_id>`: the status of any job the bridge enqueued (DESIGN §5)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from bridge.auth import require_admin
from bridge.errors import NotFoundError
from bridge.extensions import resources
from worker.logs import redact

bp = Blueprint("jobs_api", __name__)

STATUS = {
    "queued": "queued",
    "deferred": "queued",
    "scheduled": "queued",
    "started": "started",
    "finished": "finished",
    "failed": "failed",
    "stopped": "failed",
    "canceled": "failed",
}
"""RQ's statuses folded into the four of the contract."""


def _error_line(job: Job) -> str:
    """The exception line of a failed job, never its traceback (tracebacks may hold data).

    Redacted like the queue page and the logs: an exception message may quote a credential.
    """
    result = job.latest_result()
    text = redact((result.exc_string if result is not None else None) or job.exc_info or "")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else "the job failed"


@bp.get("/api/jobs/<job_id>")
@require_admin
def get_job(job_id: str) -> ResponseReturnValue:
    try:
        job = Job.fetch(job_id, connection=resources().redis, serializer=JSONSerializer)
    except NoSuchJobError:
        raise NotFoundError(f"no job {job_id!r} (unknown, or its result has expired)") from None
    raw = job.get_status(refresh=False)
    status = STATUS.get(str(getattr(raw, "value", raw)), "queued")
    body: dict = {"id": job.id, "status": status}
    if status == "finished":
        body["result"] = job.return_value()
    elif status == "failed":
        body["error"] = _error_line(job)
    return jsonify(body)
