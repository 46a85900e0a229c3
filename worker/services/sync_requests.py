"""Asking for a sync (or a revert): the one way runs are created and their jobs enqueued.

- One run per board at a time; a request while a run of the board is still *queued* joins it.
- `slot` makes a request exactly-once: the slot key is taken with SET NX, so the same slot for
  the same board never creates a second run, whatever the timing or number of processes.
- Runs left `running` (or `queued` with a lost job) by a dead worker are failed here, once their
  lease has expired (see `run_lock`): by whoever looks next, and by the reconciler's sweep.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from worker.connection import get_queue
from worker.services import run_lock
from worker.settings import KEY_PREFIX
from worker.store import BoardNotFoundError, BoardStore, RunNotFoundError, RunStore
from worker.store.runs import new_run_id, now_iso

JOB_FUNC = "worker.jobs.sync.run_sync"
JOB_TIMEOUT_S = 6 * 3600
"""Room for a 100k-issue board at a rate-limited Jira; the lease, not this, detects death."""

SLOT_TTL_S = 400 * 86400
"""How long a slot is remembered (slots name dates and sprints: they never come back later)."""

DANGLING_SLOT_S = 60.0
"""A slot whose run does not exist is taken over only after this long: a requester merely
stalled between SET NX and creating its run must never end with a second run for its slot."""

LOST_JOB_MESSAGE = "its job was lost before it started"
LOST_JOB_GRACE_S = 60.0
"""A queued run older than this whose job is gone is failed by the sweep (a run is created a
moment before its job is enqueued; younger ones may simply be mid-request)."""

STALE_MESSAGE = (
    "the worker stopped mid-run (no heartbeat); nothing is lost: the next run re-reads Jira "
    "and writes what is left"
)


@dataclass(frozen=True)
class SyncRequest:
    run_id: str
    job_id: str
    joined: bool


def job_id_for(run_id: str) -> str:
    return f"sync-{run_id}"


def queued_key(board_id: str, dry_run: bool) -> str:
    return f"{KEY_PREFIX}:sync-queued:{board_id}:{int(dry_run)}"


def slot_key(board_id: str, slot: str) -> str:
    return f"{KEY_PREFIX}:sync-slot:{board_id}:{slot}"


def _enqueue(redis: Redis, runs: RunStore, run_id: str) -> str:
    job_id = job_id_for(run_id)
    runs.set(run_id, job_id=job_id)
    try:
        get_queue(redis).enqueue(
            JOB_FUNC,
            run_id,
            job_id=job_id,
            job_timeout=JOB_TIMEOUT_S,
            result_ttl=7 * 86400,
            failure_ttl=30 * 86400,
            description=f"sync run {run_id}",
        )
    except Exception:
        runs.set(run_id, state="failed", finished_at=now_iso(), message="could not enqueue")
        raise
    return job_id


def _queued_run(redis: Redis, runs: RunStore, board_id: str, dry_run: bool) -> str | None:
    raw = redis.get(queued_key(board_id, dry_run))
    if not raw:
        return None
    run_id = raw.decode()
    return run_id if runs.state(run_id) == "queued" else None


def request_sync(
    redis: Redis, board_id: str, trigger: str, dry_run: bool = False, slot: str | None = None
) -> SyncRequest:
    """Queue a sync of the board, or join the run already queued for it.

    Raises BoardNotFoundError for an unknown board (nothing is created then).
    """
    if not BoardStore(redis).exists(board_id):
        raise BoardNotFoundError(board_id)
    runs = RunStore(redis)
    recover_stale(redis, board_id)
    with run_lock.board_mutex(redis, board_id):
        queued = _queued_run(redis, runs, board_id, dry_run)
        run_id = queued or new_run_id()
        if slot is not None:
            key = slot_key(board_id, slot)
            if not redis.set(key, f"{run_id} {time.time():.3f}", nx=True, ex=SLOT_TTL_S):
                taken, _, stamp = redis.get(key).decode().partition(" ")
                age = time.time() - float(stamp or 0)
                if runs.exists(taken) or age < DANGLING_SLOT_S:
                    return SyncRequest(taken, job_id_for(taken), joined=True)
                # The requester that took the slot died before creating its run, long ago
                # (it held the mutex we now hold for at most seconds): the slot is free again.
                redis.set(key, f"{run_id} {time.time():.3f}", ex=SLOT_TTL_S)
        if queued:
            return SyncRequest(queued, job_id_for(queued), joined=True)
        runs.create(board_id, trigger, dry_run=dry_run, run_id=run_id)
        if slot is not None:
            runs.set(run_id, slot=slot)
        redis.set(queued_key(board_id, dry_run), run_id)
        job_id = _enqueue(redis, runs, run_id)
    return SyncRequest(run_id, job_id, joined=False)


def request_revert(redis: Redis, run_id: str) -> SyncRequest:
    """Queue a run that restores the old values of `run_id`'s changes (never joins)."""
    runs = RunStore(redis)
    original = runs.get(run_id, details=False)
    recover_stale(redis, original["board"])
    new_id = runs.create(original["board"], "revert", reverts=run_id)
    return SyncRequest(new_id, _enqueue(redis, runs, new_id), joined=False)


def mark_started(redis: Redis, board_id: str, run_id: str, dry_run: bool) -> bool:
    """queued -> running, and stop later requests from joining this run; False if not queued."""
    runs = RunStore(redis)
    with run_lock.board_mutex(redis, board_id):
        ok = runs.transition(run_id, ("queued",), state="running", started_at=now_iso())
        key = queued_key(board_id, dry_run)
        raw = redis.get(key)
        if raw and raw.decode() == run_id:
            redis.delete(key)
    return ok


def _job_lost(redis: Redis, job_id: str | None) -> bool:
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
    except NoSuchJobError:
        return True
    return job.get_status(refresh=False) in ("failed", "stopped", "canceled")


def recover_stale(redis: Redis, board_id: str | None = None) -> list[str]:
    """Fail runs whose worker died (lease expired) or whose job is gone; returns their ids."""
    runs = RunStore(redis)
    failed = _recover_active(redis, runs)
    if board_id:
        failed += _recover_queued(redis, runs, board_id)
    return failed


def sweep_stale(redis: Redis, board_ids: list[str]) -> list[str]:
    """Fail every dead run of these boards now, without waiting for someone to look.

    The reconciler calls this (worker start, then every 5 minutes). Beyond `recover_stale` it
    reads each board's run history, so a run nobody points at any more (a revert, a queued run
    replaced by another) cannot stay `queued` or `running` forever either.
    """
    runs = RunStore(redis)
    failed = _recover_active(redis, runs)
    for board_id in board_ids:
        failed += _recover_queued(redis, runs, board_id)
        failed += _recover_history(redis, runs, board_id)
    return failed


def _fail_stale(runs: RunStore, run_id: str, expected: tuple[str, ...], message: str) -> bool:
    return runs.transition(run_id, expected, state="failed", finished_at=now_iso(), message=message)


def _recover_active(redis: Redis, runs: RunStore) -> list[str]:
    """Runs whose job started (in ACTIVE_KEY) and whose lease expired: their worker died."""
    failed = []
    for raw in redis.smembers(run_lock.ACTIVE_KEY):
        run_id = raw.decode()
        if run_lock.lease_alive(redis, run_id):
            continue
        if _fail_stale(runs, run_id, ("queued", "running"), STALE_MESSAGE):
            failed.append(run_id)
        redis.srem(run_lock.ACTIVE_KEY, run_id)
    return failed


def _recover_queued(redis: Redis, runs: RunStore, board_id: str) -> list[str]:
    """The board's queued run (the one requests join) whose job was lost before it started.

    Under the board mutex: `request_sync` creates the run and enqueues its job inside that
    mutex, so the check never sees a run whose job is simply not enqueued *yet* (a worker's
    start-up sweep used to fail such brand-new runs as "lost").
    """
    with run_lock.board_mutex(redis, board_id):
        return _recover_queued_locked(redis, runs, board_id)


def _recover_queued_locked(redis: Redis, runs: RunStore, board_id: str) -> list[str]:
    failed = []
    for key in (queued_key(board_id, d) for d in (False, True)):
        raw = redis.get(key)
        if not raw:
            continue
        run_id = raw.decode()
        try:
            run = runs.get(run_id, details=False)
        except RunNotFoundError:
            redis.delete(key)
            continue
        if (
            run["state"] == "queued"
            and not run_lock.lease_alive(redis, run_id)
            and _job_lost(redis, run.get("job_id"))
            and _fail_stale(runs, run_id, ("queued",), LOST_JOB_MESSAGE)
        ):
            failed.append(run_id)
            redis.delete(key)
    return failed


def _recover_history(redis: Redis, runs: RunStore, board_id: str) -> list[str]:
    """Any run of the board left `running` without a lease, or `queued` with a lost job."""
    failed = []
    for run_id, (state, job_id, created) in runs.history_fields(
        board_id, "state", "job_id", "created_at"
    ):
        state = state.decode() if state else None
        if state not in ("queued", "running") or run_lock.lease_alive(redis, run_id):
            continue
        if state == "running":
            # The lease is taken before a run starts and renewed until it ends.
            if _fail_stale(runs, run_id, ("running",), STALE_MESSAGE):
                failed.append(run_id)
            continue
        # A run is created a moment before its job: only an old queued run counts as lost.
        age = time.time() - _epoch(created)
        job = job_id.decode() if job_id else None
        if (
            age > LOST_JOB_GRACE_S
            and _job_lost(redis, job)
            and _fail_stale(runs, run_id, ("queued",), LOST_JOB_MESSAGE)
        ):
            failed.append(run_id)
    return failed


def _epoch(raw: bytes | None) -> float:
    try:
        return datetime.fromisoformat(raw.decode()).timestamp() if raw else 0.0
    except ValueError:
        return 0.0
