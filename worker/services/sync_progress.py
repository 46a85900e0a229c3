"""Progress, counts, errors and changes of a run, written to Redis as the run goes.

Threads add to local buffers under a lock; `flush` (every half second and at the end) pushes
them in one pipeline, so a 100,000-issue run does not cost 100,000 Redis round trips while the
panel's progress bar still moves.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from redis import Redis

from worker.store import RunStore
from worker.store.runs import changes_key, count_field, errors_key, run_key

FLUSH_EVERY_S = 0.5


class Progress:
    def __init__(self, redis: Redis, run_id: str, touched_key: str | None = None) -> None:
        self.redis = redis
        self.runs = RunStore(redis)
        self.run_id = run_id
        self.touched_key = touched_key
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._errors: list[dict[str, Any]] = []
        self._changes: list[dict[str, Any]] = []
        self._touched: list[str] = []
        self._untouched: list[str] = []
        self._last_flush = time.monotonic()
        self.totals: Counter[str] = Counter()
        self.failed_issues: set[str] = set()

    def count(self, **deltas: int) -> None:
        with self._lock:
            self._counts.update(deltas)
            self.totals.update(deltas)
        self._maybe_flush()

    def error(self, issue: str | None, field: str | None, code: str, message: str) -> None:
        with self._lock:
            self._errors.append({"issue": issue, "field": field, "code": code, "message": message})
        self._maybe_flush()

    def issue_failed(self, issue: str) -> None:
        with self._lock:
            self.failed_issues.add(issue)

    def changed(self, issue: str, changes: list[dict[str, Any]], wrote_values: bool) -> None:
        with self._lock:
            self._changes.extend(changes)
            if wrote_values:
                self._touched.append(issue)
            else:
                self._untouched.append(issue)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= FLUSH_EVERY_S:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            errors, self._errors = self._errors, []
            changes, self._changes = self._changes, []
            touched, self._touched = self._touched, []
            untouched, self._untouched = self._untouched, []
            self._last_flush = time.monotonic()
        with self.redis.pipeline(transaction=True) as pipe:
            for name, delta in counts.items():
                pipe.hincrby(run_key(self.run_id), count_field(name), delta)
            if errors:
                pipe.rpush(errors_key(self.run_id), *(json.dumps(e) for e in errors))
            if changes:
                pipe.rpush(changes_key(self.run_id), *(json.dumps(c) for c in changes))
            if self.touched_key and touched:
                pipe.sadd(self.touched_key, *touched)
            if self.touched_key and untouched:
                pipe.srem(self.touched_key, *untouched)
            pipe.execute()
