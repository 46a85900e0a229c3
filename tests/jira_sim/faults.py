"""Injected latency and failures (PUT /_sim/config): what benchmarks and retry tests need."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from tests.jira_sim.ratelimit import RateLimiter
from tests.jira_sim.web import JiraHttpError


@dataclass
class FailRule:
    """Fail requests whose path matches, `remaining` more times."""

    path_regex: re.Pattern[str]
    status: int
    remaining: int | None  # None: forever


class Faults:
    """Current latency, rate limiter and failure rules; replaced as a whole by configure()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latency_s = 0.0
        self.limiter: RateLimiter | None = None
        self.rules: list[FailRule] = []

    def configure(self, body: dict[str, Any]) -> None:
        """Validate everything first, then apply: a bad config changes nothing."""
        unknown = set(body) - {"latency_ms", "rate_limit", "fail"}
        if unknown:
            raise JiraHttpError(400, errors={k: "unknown setting" for k in sorted(unknown)})
        latency = body.get("latency_ms", 0) or 0
        if not isinstance(latency, (int, float)) or latency < 0:
            raise JiraHttpError(400, errors={"latency_ms": "must be a number >= 0"})
        limiter = None
        limit = body.get("rate_limit")
        if limit is not None:
            try:
                limiter = RateLimiter(int(limit["capacity"]), float(limit["per_second"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise JiraHttpError(400, errors={"rate_limit": f"invalid: {exc}"}) from None
        rules = [self._rule(i, raw) for i, raw in enumerate(body.get("fail") or [])]
        with self._lock:
            self.latency_s = latency / 1000.0
            self.limiter = limiter
            self.rules = rules

    @staticmethod
    def _rule(index: int, raw: Any) -> FailRule:
        path = f"fail[{index}]"
        if not isinstance(raw, dict):
            raise JiraHttpError(400, errors={path: "must be an object"})
        try:
            regex = re.compile(raw["path_regex"])
            status = int(raw.get("status", 500))
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise JiraHttpError(400, errors={path: f"invalid: {exc}"}) from None
        count = raw.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise JiraHttpError(400, errors={f"{path}.count": "must be an integer >= 1"})
        if not 400 <= status <= 599:
            raise JiraHttpError(400, errors={f"{path}.status": "must be 400..599"})
        return FailRule(regex, status, count)

    def failure_for(self, method: str, path: str) -> int | None:
        """The status to fail this request with (consuming one count), or None."""
        if not self.rules:
            return None
        target = f"{method} {path}"
        with self._lock:
            for rule in self.rules:
                if rule.remaining == 0:
                    continue
                if rule.path_regex.search(path) or rule.path_regex.search(target):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule.status
        return None
