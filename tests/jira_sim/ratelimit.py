"""Token bucket per user, answering like Jira DC's rate limiting (jira-server-api.md §7)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class Decision:
    """Whether a request may pass, with the X-RateLimit-* headers to send."""

    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    """`capacity` tokens, refilled at `per_second`; one bucket per user name."""

    def __init__(self, capacity: int, per_second: float) -> None:
        if capacity < 1 or per_second <= 0:
            raise ValueError("rate_limit needs capacity >= 1 and per_second > 0")
        self.capacity = capacity
        self.per_second = per_second
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, user: str) -> Decision:
        """Take one token from `user`'s bucket."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(user, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.per_second)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[user] = (tokens, now)
        retry = 0 if allowed else math.ceil((1 - tokens) / self.per_second)
        # Jira's headers: limit, remaining, interval, fill rate per interval, Retry-After.
        headers = {
            "X-RateLimit-Limit": str(self.capacity),
            "X-RateLimit-Remaining": str(int(tokens)),
            "X-RateLimit-Interval-Seconds": "1",
            "X-RateLimit-FillRate": _number(self.per_second),
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, retry))
        return Decision(allowed, headers)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
