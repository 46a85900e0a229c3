"""Redis connections and the RQ queue, built from settings (plain URL or Sentinel)."""

from __future__ import annotations

from redis import Redis
from redis.sentinel import Sentinel
from rq import Queue
from rq.serializers import JSONSerializer

from worker.settings import QUEUE_NAME, Settings


def connect(settings: Settings) -> Redis:
    """A Redis client for the master: through Sentinel when REDIS_SENTINELS is set."""
    if settings.redis_sentinels:
        sentinel = Sentinel(list(settings.redis_sentinels), socket_timeout=2.0)
        return sentinel.master_for(settings.redis_master_name, socket_timeout=5.0)
    return Redis.from_url(settings.redis_url, socket_timeout=5.0, socket_connect_timeout=2.0)


def get_queue(connection: Redis) -> Queue:
    """The syncback queue; JSON serialization so non-JSON job arguments fail at enqueue time."""
    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)
