"""`GET /metrics`: Prometheus text, read from Redis at scrape time.

Everything comes from Redis (telemetry counters written by jobs, RQ queue and registries, run
history), so any gunicorn worker on any host answers the same. Access: the API token, or a
client address inside SYNCBACK_METRICS_ALLOW (comma-separated CIDRs, checked against the TCP
peer: scrape the bridge directly, not through a proxy, when relying on it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from bridge.auth import bearer_ok
from bridge.errors import UnauthorizedError
from bridge.extensions import resources
from worker import telemetry
from worker.connection import get_queue
from worker.settings import ConfigError
from worker.store.boards import IDS_KEY
from worker.store.runs import RunStore

bp = Blueprint("metrics", __name__)

HELP = {
    "sync_runs": "Sync runs finished, by board, trigger and final state.",
    "sync_run_duration_seconds": "Wall time of sync runs.",
    "sync_issues": "Issues handled by sync runs, by board and outcome.",
    "jira_requests": "HTTP requests sent to Jira, by answer status.",
    "jira_rate_limited": "429 answers received from Jira.",
    "jira_retries": "Jira requests sent again after a 429/5xx or transport error.",
    "webhook_events": "Jira webhook deliveries, by event type and outcome.",
    "manual_edits": "Hand edits of synced fields seen in Jira's changelog, by board.",
    "jobs": "RQ jobs executed, by function and outcome.",
    "job_duration_seconds": "Wall time of RQ jobs, by function.",
}


def parse_networks(raw: str | None) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """SYNCBACK_METRICS_ALLOW as networks; ConfigError naming the bad entry."""
    networks = []
    for item in (raw or "").split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ConfigError(
                    f"SYNCBACK_METRICS_ALLOW: {item.strip()!r} is not an IP network (CIDR)"
                ) from None
    return tuple(networks)


def _counter(name: str, samples: list[telemetry.Sample]) -> Metric:
    family = Metric(f"syncback_{name}", HELP.get(name, name), "counter")
    for s in samples:
        family.add_sample(f"syncback_{name}_total", s.labels, s.value)
    return family


def _histogram(name: str, samples: list[telemetry.HistogramSample]) -> Metric:
    family = Metric(f"syncback_{name}", HELP.get(name, name), "histogram")
    full = f"syncback_{name}"
    for s in samples:
        for bound, count in s.buckets:
            family.add_sample(f"{full}_bucket", {**s.labels, "le": str(bound)}, count)
        family.add_sample(f"{full}_bucket", {**s.labels, "le": "+Inf"}, s.count)
        family.add_sample(f"{full}_count", s.labels, s.count)
        family.add_sample(f"{full}_sum", s.labels, s.total)
    return family


def _queue(redis: Redis) -> Iterator[Metric]:
    queue = get_queue(redis)
    jobs = GaugeMetricFamily(
        "syncback_queue_jobs", "Jobs in the RQ queue and registries.", labels=["queue", "state"]
    )
    jobs.add_metric([queue.name, "queued"], queue.count)
    registries = {
        "started": queue.started_job_registry,
        "scheduled": queue.scheduled_job_registry,
        "failed": queue.failed_job_registry,
        "deferred": queue.deferred_job_registry,
    }
    for state, registry in registries.items():
        # No cleanup at scrape time: moving abandoned jobs is the workers' maintenance job.
        jobs.add_metric([queue.name, state], registry.get_job_count(cleanup=False))
    yield jobs
    workers = GaugeMetricFamily("syncback_workers", "RQ workers alive, by state.", labels=["state"])
    states: dict[str, int] = {"busy": 0, "idle": 0}
    for worker in Worker.all(connection=redis):
        state = str(worker.get_state())
        states[state] = states.get(state, 0) + 1
    for state, count in sorted(states.items()):
        workers.add_metric([state], count)
    yield workers


def _runs(redis: Redis) -> Iterator[Metric]:
    runs = GaugeMetricFamily(
        "syncback_runs",
        "Sync runs kept in history (newest 200 per board), by board, trigger and state.",
        labels=["board", "trigger", "state"],
    )
    last = GaugeMetricFamily(
        "syncback_board_last_success_timestamp_seconds",
        "When the newest succeeded sync run of the board finished (Unix time).",
        labels=["board"],
    )
    store = RunStore(redis)
    for board in sorted(b.decode() for b in redis.smembers(IDS_KEY)):
        counts: dict[tuple[str, str], int] = {}
        newest: float | None = None
        for _, (trigger, state, finished) in store.history_fields(
            board, "trigger", "state", "finished_at"
        ):
            if trigger is None or state is None:
                continue  # trimmed between the two reads
            key = (trigger.decode(), state.decode())
            counts[key] = counts.get(key, 0) + 1
            if key[1] == "succeeded" and finished:
                try:
                    stamp = datetime.fromisoformat(finished.decode()).timestamp()
                except ValueError:
                    continue  # one unreadable record must not hide every other metric
                newest = stamp if newest is None else max(newest, stamp)
        for (trigger, state), count in sorted(counts.items()):
            runs.add_metric([board, trigger, state], count)
        if newest is not None:
            last.add_metric([board], newest)
    yield runs
    yield last


class RedisCollector:
    """A prometheus-client collector that reads everything from Redis when scraped."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def _families(self) -> Iterable[Metric]:
        yield from _queue(self.redis)
        yield from _runs(self.redis)
        for name, samples in telemetry.counters(self.redis):
            yield _counter(name, samples)
        for name, hist in telemetry.histograms(self.redis):
            yield _histogram(name, hist)

    def collect(self) -> Iterator[Metric]:
        try:
            families, up = list(self._families()), 1
        except RedisError:
            families, up = [], 0  # answer with redis_up 0 rather than a 500 the scraper drops
        yield GaugeMetricFamily("syncback_redis_up", "1 when Redis answered this scrape.", up)
        yield from families


def init_app(app: Flask) -> None:
    app.config["SYNCBACK_METRICS_NETWORKS"] = parse_networks(
        app.config.get("SYNCBACK_METRICS_ALLOW")
    )
    app.register_blueprint(bp)


def _allowed() -> bool:
    if bearer_ok():
        return True
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(peer in net for net in current_app.config["SYNCBACK_METRICS_NETWORKS"])


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    if not _allowed():
        raise UnauthorizedError(
            "send the API token, or scrape from a SYNCBACK_METRICS_ALLOW network"
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RedisCollector(resources().redis))
    return Response(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
