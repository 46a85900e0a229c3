"""Job-level metrics kept in Redis, exported by the bridge's `/metrics` at scrape time.

RQ work horses are short-lived forks, so they cannot run an exporter: every counter is a field of
a Redis hash (one hash per metric, `HINCRBY`, labels encoded in the field), which any bridge
process reads back. Recording never breaks a job: a Redis error is logged and swallowed.

Metric names used by syncback (labels in brackets):
- `sync_runs` [board, trigger, state]: finished runs.
- `sync_run_duration_seconds` (observe) [board, trigger]: wall time of a run.
- `sync_issues` [board, outcome=written|unchanged|skipped|failed]: issues per outcome.
- `jira_requests` [status]: Jira HTTP answers by status code (or `transport_error`).
- `jira_rate_limited` []: 429 answers;  `jira_retries` []: requests sent again.
- `webhook_events` [event, outcome]: Jira webhook deliveries by type and outcome.
- `jobs` [func, outcome=finished|failed]: every RQ job (recorded by the worker itself).
- `job_duration_seconds` (observe) [func]: wall time of every RQ job.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError

from worker.settings import KEY_PREFIX

log = logging.getLogger(__name__)

NAMES_KEY = f"{KEY_PREFIX}:metrics:names"
"""Set of `counter:<name>` / `histogram:<name>` entries, so a scrape never needs SCAN."""

BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
"""Histogram upper bounds in seconds: a sync takes from under a second to an hour."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def counter_key(name: str) -> str:
    return f"{KEY_PREFIX}:metrics:counter:{name}"


def histogram_key(name: str) -> str:
    return f"{KEY_PREFIX}:metrics:histogram:{name}"


def _check(name: str, labels: Mapping[str, object]) -> str:
    if not _NAME.match(name):
        raise ValueError(f"metric name {name!r} must match {_NAME.pattern}")
    for key in labels:
        if not _NAME.match(key):
            raise ValueError(f"label name {key!r} of metric {name!r} must match {_NAME.pattern}")
    # Sorted compact JSON: the same labels always give the same field, whatever their order.
    return json.dumps({k: str(v) for k, v in labels.items()}, sort_keys=True, separators=(",", ":"))


def record(redis: Redis, name: str, labels: Mapping[str, object], amount: int = 1) -> None:
    """Add `amount` to counter `name` with these labels."""
    field = _check(name, labels)
    if amount == 0:
        return
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.sadd(NAMES_KEY, f"counter:{name}")
            pipe.hincrby(counter_key(name), field, int(amount))
            pipe.execute()
    except RedisError as exc:
        log.warning("telemetry.lost", extra={"metric": name, "error": str(exc)})


def observe(redis: Redis, name: str, labels: Mapping[str, object], seconds: float) -> None:
    """Count one duration of `seconds` into histogram `name` (cumulative buckets, sum, count)."""
    field = _check(name, labels)
    if seconds < 0 or math.isnan(seconds):
        raise ValueError(f"duration for {name!r} must be >= 0, got {seconds!r}")
    key = histogram_key(name)
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.sadd(NAMES_KEY, f"histogram:{name}")
            for bound in BUCKETS:
                if seconds <= bound:
                    pipe.hincrby(key, f"{field}\nle:{bound}", 1)
            pipe.hincrby(key, f"{field}\ncount", 1)
            pipe.hincrbyfloat(key, f"{field}\nsum", seconds)
            pipe.execute()
    except RedisError as exc:
        log.warning("telemetry.lost", extra={"metric": name, "error": str(exc)})


def record_jira_stats(redis: Redis, stats: Mapping[str, int]) -> None:
    """Flush a JiraClient's `stats` Counter (status_<code>, retry, transport_error) at job end."""
    for key, amount in stats.items():
        if key.startswith("status_"):
            status = key[len("status_") :]
            record(redis, "jira_requests", {"status": status}, amount)
            if status == "429":
                record(redis, "jira_rate_limited", {}, amount)
        elif key == "retry":
            record(redis, "jira_retries", {}, amount)
        elif key == "transport_error":
            record(redis, "jira_requests", {"status": "transport_error"}, amount)


@dataclass(frozen=True)
class Sample:
    labels: dict[str, str]
    value: float


@dataclass(frozen=True)
class HistogramSample:
    labels: dict[str, str]
    buckets: list[tuple[float, int]]
    """Cumulative (upper bound, count), without +Inf (that is `count`)."""
    count: int
    total: float


def _names(redis: Redis, kind: str) -> list[str]:
    prefix = f"{kind}:"
    members = (m.decode() for m in redis.smembers(NAMES_KEY))
    return sorted(m[len(prefix) :] for m in members if m.startswith(prefix))


def counters(redis: Redis) -> Iterator[tuple[str, list[Sample]]]:
    """Every counter with its samples, read back for export."""
    for name in _names(redis, "counter"):
        raw = redis.hgetall(counter_key(name))
        samples = [Sample(json.loads(f), float(v)) for f, v in raw.items()]
        yield name, sorted(samples, key=lambda s: sorted(s.labels.items()))


def histograms(redis: Redis) -> Iterator[tuple[str, list[HistogramSample]]]:
    """Every histogram with its samples, read back for export."""
    for name in _names(redis, "histogram"):
        groups: dict[str, dict[str, str]] = {}
        for field, value in redis.hgetall(histogram_key(name)).items():
            # JSON never holds a raw newline, so it separates the labels from the part safely.
            labels, _, part = field.decode().partition("\n")
            groups.setdefault(labels, {})[part] = value.decode()
        samples = []
        for labels, parts in sorted(groups.items()):
            buckets = [(b, int(parts.get(f"le:{b}", 0))) for b in BUCKETS]
            samples.append(
                HistogramSample(
                    json.loads(labels),
                    buckets,
                    int(parts.get("count", 0)),
                    float(parts.get("sum", 0.0)),
                )
            )
        yield name, samples
