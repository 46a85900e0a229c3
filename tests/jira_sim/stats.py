"""Request statistics for GET /_sim/stats: counts by method and route, 429s, issue writes."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Counters behind GET /_sim/stats."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.rate_limited = 0
        self.injected_failures = 0
        self.issue_writes = 0
        self.webhooks_delivered = 0
        self.webhooks_failed = 0

    def record(self, method: str, route: str, status: int) -> None:
        """Count one answered request."""
        with self._lock:
            self.requests[f"{method} {route}"] += 1
            self.statuses[status] += 1
            if status == 429:
                self.rate_limited += 1

    def add(self, name: str, amount: int = 1) -> None:
        """Add to a named counter."""
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def snapshot(self) -> dict[str, Any]:
        """The counters as JSON."""
        with self._lock:
            return {
                "requests": dict(self.requests),
                "total": sum(self.requests.values()),
                "by_status": {str(k): v for k, v in self.statuses.items()},
                "rate_limited": self.rate_limited,
                "injected_failures": self.injected_failures,
                "issue_writes": self.issue_writes,
                "webhooks": {"delivered": self.webhooks_delivered, "failed": self.webhooks_failed},
            }
