"""Redis connections and the RQ queue, built from settings (plain URL or Sentinel)."""

from __future__ import annotations

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, ReadOnlyError, TimeoutError
from redis.retry import Retry
from redis.sentinel import Sentinel
from rq import Queue
from rq.serializers import JSONSerializer

from worker.settings import QUEUE_NAME, Settings

FAILOVER_RETRIES = 20
"""Sentinel only: retries of a command while the master changes. With the backoff below they
span ~17 s, enough for a failover with `down-after-milliseconds 5000` (deploy/sentinel.conf).
A retried write may run twice when the old master applied it but died before answering; our
writes are idempotent (SET, HSET, unique jobs) except counters, which may over-count by one."""


def failover_retry() -> Retry:
    # ReadOnlyError: a demoted master answers READONLY until the client re-asks Sentinel.
    return Retry(
        ExponentialBackoff(cap=1.0, base=0.05),
        FAILOVER_RETRIES,
        supported_errors=(ConnectionError, TimeoutError, ReadOnlyError),
    )


def connect(settings: Settings) -> Redis:
    """A Redis client for the master: through Sentinel when REDIS_SENTINELS is set."""
    if settings.redis_sentinels:
        sentinel = Sentinel(
            list(settings.redis_sentinels), socket_timeout=2.0, socket_connect_timeout=1.0
        )
        return sentinel.master_for(
            settings.redis_master_name,
            socket_timeout=5.0,
            socket_connect_timeout=1.0,
            retry=failover_retry(),
        )
    return Redis.from_url(settings.redis_url, socket_timeout=5.0, socket_connect_timeout=2.0)


def get_queue(connection: Redis) -> Queue:
    """The syncback queue; JSON serialization so non-JSON job arguments fail at enqueue time."""
    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
