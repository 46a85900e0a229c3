"""Run the queued jobs inside the test process: RQ's SimpleWorker (no fork), burst mode.

For tests that need a job's real outcome (finished/failed, its result or exception) without the
cost of a worker process; end-to-end tests use tests/harness/worker_process.py instead.
"""

from __future__ import annotations

from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from worker.connection import get_queue
from worker.runner import SyncbackWorker


class InlineWorker(SimpleWorker):
    """SimpleWorker with our bounded pubsub wait (redis-py's stop() may join for 60 s)."""

    unsubscribe = SyncbackWorker.unsubscribe


def run_queued_jobs(redis: Redis) -> None:
    """Perform every job on the syncback queue, then return."""
    queue = get_queue(redis)
    InlineWorker([queue], connection=redis, serializer=JSONSerializer).work(burst=True)
