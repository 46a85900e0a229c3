"""Delivery counters of the webhook intake, added up in the process and written once a second.

Writing the `webhook_events` metric [event, outcome] on every delivery cost one Redis round trip
per request, a fifth of the intake's time; a bridge process instead sums its counts and a daemon
thread flushes them every FLUSH_EVERY_S (and at exit). A process killed hard loses at most that
last second of counts; the deliveries themselves are never affected.
"""

from __future__ import annotations

import atexit
import threading
from collections import Counter

from redis import Redis

from worker.services.webhook_events import record_deliveries

FLUSH_EVERY_S = 1.0

_lock = threading.Lock()
_pending: dict[Redis, Counter[tuple[str, str]]] = {}
_thread: threading.Thread | None = None


def count(redis: Redis, event: str, outcome: str) -> None:
    """Add one delivery; starts the flusher in this process on first use (after gunicorn forks)."""
    global _thread
    with _lock:
        _pending.setdefault(redis, Counter())[(event, outcome)] += 1
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="webhook-counts", daemon=True)
            _thread.start()


def flush() -> None:
    """Write every pending count now (tests call this; the thread calls it each second)."""
    with _lock:
        batches = list(_pending.items())
        _pending.clear()
    for redis, counts in batches:
        record_deliveries(redis, counts)


def _loop() -> None:
    stop = threading.Event()
    while not stop.wait(FLUSH_EVERY_S):
        flush()


atexit.register(flush)
