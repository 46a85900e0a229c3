"""Backoff shared by every thread of one client: one 429 pauses them all.

Jira DC's rate limiter is a token bucket per user (jira-server-api.md §7): when it says
`Retry-After: N`, every thread of ours must wait, not only the one that was told.
"""

from __future__ import annotations

import threading
import time


class SharedBackoff:
    def __init__(self, base_s: float = 0.5, cap_s: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.base_s = base_s
        self.cap_s = cap_s

    def wait(self) -> float:
        """Sleep until the shared pause is over; returns the seconds slept."""
        with self._lock:
            delay = self._resume_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
            return delay
        return 0.0

    def pause(self, attempt: int, retry_after: float | None) -> float:
        """Extend the shared pause after a 429/503; returns this pause's length."""
        if retry_after is not None and retry_after > 0:
            delay = min(retry_after, self.cap_s)
        else:
            delay = min(self.base_s * (2**attempt), self.cap_s)
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + delay)
        return delay
