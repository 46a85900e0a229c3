"""Redis connections and the RQ queue, built from settings (plain URL or Sentinel)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import (
    AuthenticationError,
    ConnectionError,
    ReadOnlyError,
    ResponseError,
    TimeoutError,
)
from redis.retry import Retry
from redis.sentinel import Sentinel, SentinelManagedConnection
from rq import Queue
from rq.serializers import JSONSerializer

from worker.settings import KEY_PREFIX, QUEUE_NAME, ConfigError, Settings

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
        # A wrong password is a ConnectionError too, but waiting will not fix it.
        is_retryable=lambda error: not isinstance(error, AuthenticationError),
    )


class FailoverConnection(SentinelManagedConnection):
    """Asks Sentinel for the master on every reconnect, not only on the first connect.

    redis-py 8 reconnects a dropped connection (the retry of a timed-out command) through
    `connect_check_health`, which reuses the old host and port: after a failover every retry
    went back to the dead or frozen master (redis/redis-py#3874, open).
    """

    _resolving = False

    def connect_to(self, address: tuple[str, int]) -> None:
        self._resolving = True
        try:
            super().connect_to(address)
        finally:
            self._resolving = False

    def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if not self._sock and not self._resolving and self.connection_pool.is_master:
            self.connect()  # discovers the master, then comes back here through connect_to
            return
        super().connect_check_health(check_health, retry_socket_connect)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except ResponseError as exc:
            # A master cut off from its replicas refuses writes (`min-replicas-to-write`,
            # deploy/redis.conf): it is an old master that Sentinel has replaced, or is about
            # to. Re-ask Sentinel instead of writing where the write would later be discarded.
            if self.connection_pool.is_master and str(exc).startswith("NOREPLICAS"):
                self.disconnect()
                raise ConnectionError("the master has no replica in sync (NOREPLICAS)") from exc
            raise


def connect(settings: Settings) -> Redis:
    """A Redis client for the master: through Sentinel when REDIS_SENTINELS is set (the
    password and database number then still come from REDIS_URL)."""
    if settings.redis_sentinels:
        url = urlsplit(settings.redis_url)  # its host is ignored: Sentinel names the master
        sentinel = Sentinel(
            list(settings.redis_sentinels), socket_timeout=2.0, socket_connect_timeout=1.0
        )
        return sentinel.master_for(
            settings.redis_master_name,
            socket_timeout=5.0,
            socket_connect_timeout=1.0,
            retry=failover_retry(),
            connection_class=FailoverConnection,
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            db=_db(url.path),
        )
    return Redis.from_url(settings.redis_url, socket_timeout=5.0, socket_connect_timeout=2.0)


def _db(path: str) -> int:
    raw = path.strip("/") or "0"
    if not raw.isdigit():
        raise ConfigError(f"REDIS_URL: database {raw!r} is not a number")
    return int(raw)


def get_queue(connection: Redis) -> Queue:
    """The syncback queue; JSON serialization so non-JSON job arguments fail at enqueue time."""
    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)


BARRIER_KEY = f"{KEY_PREFIX}:replication-barrier"


def master_identity(redis: Redis) -> str:
    """The current master's replication id: it changes when Sentinel promotes a replica."""
    return str(redis.info("replication")["master_replid"])


def replicate_acknowledged(redis: Redis, timeout_ms: int = 1000) -> tuple[int, str]:
    """Wait until a replica holds every write the master acknowledged so far.

    Returns (replicas reached, master identity). Redis replication is asynchronous: a write the
    master acknowledged a moment before it died may be missing on the replica Sentinel
    promotes. WAIT only covers the calling connection's own writes, so a barrier write goes
    first on the same connection: the replication stream is ordered, and a replica that has
    the barrier has everything acknowledged before it (https://redis.io/commands/wait/).
    The identity lets the caller see a failover in between (then the barrier proves nothing
    about writes made on the old master).
    """
    with redis.pipeline(transaction=False) as pipe:
        pipe.incr(BARRIER_KEY)
        pipe.execute_command("WAIT", 1, timeout_ms)
        pipe.info("replication")
        _, reached, info = pipe.execute()
    return int(reached), str(info["master_replid"])
