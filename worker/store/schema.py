"""Store schema version, so a later release can recognise and migrate old data."""

from __future__ import annotations

from redis import Redis

from worker.settings import KEY_PREFIX

SCHEMA_VERSION = 1
SCHEMA_KEY = f"{KEY_PREFIX}:schema-version"


class SchemaVersionError(Exception):
    """Redis holds data written by a newer syncback than this one."""


def ensure_schema(redis: Redis) -> int:
    """Stamp an empty store with our version; refuse data from a newer release."""
    redis.setnx(SCHEMA_KEY, SCHEMA_VERSION)
    found = int(redis.get(SCHEMA_KEY))
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"Redis holds syncback data of schema {found}; this release reads {SCHEMA_VERSION}"
        )
    return found
