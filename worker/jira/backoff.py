"""Backoff shared by every thread of one client: one 429 pauses them all.

Jira DC's rate limiter is a token bucket per user (jira-server-api.md §7): when it says
`Retry-After: N`, every thread of ours must wait, not only the one that was told. Where Jira
sends `X-RateLimit-*` headers (DC 8.6+; the 8.6 EAP spelled them `X-RateLimiting-*`), we also
pace ourselves with a local copy of its bucket, so requests are spread at the fill rate instead
of bursting into 429s (each 429 is a wasted round trip).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping


def _header(headers: Mapping[str, str], name: str) -> float | None:
    for prefix in ("X-RateLimit-", "X-RateLimiting-"):
        raw = headers.get(prefix + name)
        if raw is not None:
            try:
                return float(raw)
            except ValueError:
                return None
    return None


class SharedBackoff:
    def __init__(self, base_s: float = 0.5, cap_s: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.base_s = base_s
        self.cap_s = cap_s
        # Local mirror of Jira's bucket; inactive (rate None) until Jira announces a limit.
        self.rate: float | None = None
        self.capacity = 0.0
        self._tokens = 0.0
        self._stamp = 0.0

    def wait(self) -> float:
        """Sleep until the shared pause is over and a paced slot is ours; returns seconds slept."""
        delay = self.reserve()
        if delay > 0:
            time.sleep(delay)
            return delay
        return 0.0

    def reserve(self) -> float:
        """Claim the next request slot; returns how long to wait for it (shared pause + pacing)."""
        with self._lock:
            return max(self._resume_at - time.monotonic(), 0.0) + self._take_token()

    def _take_token(self) -> float:
        """Take one token (possibly borrowed ahead); the wait until it exists. Holds the lock."""
        if not self.rate:
            return 0.0
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        self._tokens -= 1.0
        return -self._tokens / self.rate if self._tokens < 0 else 0.0

    def observe(self, headers: Mapping[str, str], status: int) -> None:
        """Learn Jira's limit from a response's rate-limit headers (no-op without them)."""
        fill = _header(headers, "FillRate")
        if fill is None:
            return
        interval = _header(headers, "Interval-Seconds") or 1.0
        limit = _header(headers, "Limit")
        remaining = _header(headers, "Remaining")
        with self._lock:
            now = time.monotonic()
            if not self.rate:
                self._tokens, self._stamp = (remaining or 0.0), now
            self.rate = max(fill / interval, 1e-3)
            self.capacity = limit or max(self.capacity, 1.0)
            if remaining is not None:
                # Jira's count already includes calls still in flight from other threads;
                # never believe we have more than it says (reservations may keep us below).
                self._tokens = min(self._tokens, remaining)
            if status == 429:
                self._tokens = min(self._tokens, 0.0)

    def pause(self, attempt: int, retry_after: float | None) -> float:
        """Extend the shared pause after a 429/503; returns this pause's length."""
        if retry_after is not None and retry_after > 0:
            delay = min(retry_after, self.cap_s)
        else:
            delay = min(self.base_s * (2**attempt), self.cap_s)
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + delay)
        return delay
