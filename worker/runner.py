"""Run an RQ worker on the syncback queue, with the scheduler, JSON-serialized.

Shutdown: the first SIGTERM (or SIGINT) is RQ's warm shutdown: no new job is taken and the
current one runs to its end. The work horse ignores SIGTERM itself, so a signal sent to the
whole process group (systemd's default KillMode, Ctrl+C) cannot kill a sync halfway; instead
`shutdown_requested()` turns true in the horse, which a long job may use to checkpoint early.
A second signal is RQ's cold shutdown (the horse is killed; the next run re-reads Jira).
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from rq import Queue, Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from worker import logs, telemetry
from worker.connection import connect, get_queue
from worker.settings import Settings
from worker.store import ensure_schema

log = logging.getLogger(__name__)

_shutdown = False


def shutdown_requested() -> bool:
    """True in a job once the worker was asked to stop: finish or checkpoint soon."""
    return _shutdown


def _note_shutdown(signum: int, _frame: FrameType | None) -> None:
    global _shutdown
    if not _shutdown:
        log.info("worker.shutdown_requested", extra={"signal": signal.Signals(signum).name})
    _shutdown = True


class SyncbackWorker(Worker):
    """RQ's forking worker, plus job telemetry and a work horse that finishes on SIGTERM."""

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _note_shutdown)
        signal.signal(signal.SIGRTMIN, _note_shutdown)

    def handle_warm_shutdown_request(self) -> None:
        super().handle_warm_shutdown_request()
        if self.horse_pid:
            # Tell the running job (it may checkpoint); it is not interrupted.
            self.kill_horse(sig=signal.SIGRTMIN)

    def unsubscribe(self) -> None:
        """RQ's unsubscribe with a bounded wait for the pubsub thread.

        redis-py 8's `PubSubWorkerThread.stop()` joins the thread without a timeout, and the
        thread may sit in `get_message(timeout=60)` (RQ's sleep_time): a worker then took up
        to a minute to exit after "done, quitting". The thread is a daemon; one second is
        enough for it to notice, and otherwise the process exits without it.
        """
        if self.pubsub_thread:
            self.log.info(
                "Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name
            )
            self.pubsub.unsubscribe()
            self.pubsub_thread.stop(timeout=1)
            self.pubsub.close()

    def perform_job(self, job: Job, queue: Queue) -> bool:
        started = time.monotonic()
        logs.set_horse_job(job)
        try:
            ok = super().perform_job(job, queue)
        finally:
            logs.set_horse_job(None)
        func = job.func_name
        telemetry.record(self.connection, "jobs", {"func": func, "outcome": _outcome(ok)})
        telemetry.observe(
            self.connection, "job_duration_seconds", {"func": func}, time.monotonic() - started
        )
        return ok

    def handle_job_failure(
        self, job: Job, queue: Queue, started_job_registry=None, exc_string: str = ""
    ) -> None:  # noqa: ANN001 - RQ's signature
        super().handle_job_failure(job, queue, started_job_registry, exc_string)
        if not getattr(self, "_is_horse", False):
            # Called in the parent only when the horse died (killed, OOM): perform_job never
            # got to record it.
            telemetry.record(self.connection, "jobs", {"func": job.func_name, "outcome": "crashed"})


def _outcome(ok: bool) -> str:
    return "finished" if ok else "failed"


def run_worker(settings: Settings, burst: bool = False, name: str | None = None) -> bool:
    """Block working jobs until stopped (or, with burst, until the queue is empty)."""
    redis = connect(settings)
    ensure_schema(redis)
    if not burst:
        from worker.services import reconcile

        reconcile.start(redis)  # repair schedules now; it then re-plans itself every 5 min
    queue = get_queue(redis)
    worker = SyncbackWorker([queue], connection=redis, serializer=JSONSerializer, name=name)
    log.info("worker.start", extra={"queue": queue.name, "burst": burst, "worker": worker.name})
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    return worker.work(burst=burst, with_scheduler=True, logging_level=level)
