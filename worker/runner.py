"""Run an RQ worker on the syncback queue, with the scheduler, JSON-serialized."""

from __future__ import annotations

import logging

from rq import Worker
from rq.serializers import JSONSerializer

from worker.connection import connect, get_queue
from worker.settings import Settings
from worker.store import ensure_schema

log = logging.getLogger(__name__)


def run_worker(settings: Settings, burst: bool = False, name: str | None = None) -> bool:
    """Block working jobs until stopped (or, with burst, until the queue is empty)."""
    redis = connect(settings)
    ensure_schema(redis)
    queue = get_queue(redis)
    worker = Worker([queue], connection=redis, serializer=JSONSerializer, name=name)
    log.info("worker.start", extra={"queue": queue.name, "burst": burst})
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
