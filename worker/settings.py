"""Worker configuration, read from the environment only (DESIGN §7).

Also usable as a settings module for plain rq:
`rq worker -c worker.settings --serializer json --with-scheduler` (rq 2.12 reads REDIS_URL and
QUEUES from the module, but not the serializer: `--serializer json` must be given, or jobs fail
with DeserializationError). `syncback worker` does all of this by itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

QUEUE_NAME = "syncback"
"""The one RQ queue every job goes to."""

KEY_PREFIX = "syncback"
"""Prefix of every Redis key the store writes (RQ's own keys stay under `rq:`)."""


class ConfigError(Exception):
    """A missing or invalid environment variable; the message names it."""


@dataclass(frozen=True)
class JiraSettings:
    base_url: str | None
    token: str | None = None
    user: str | None = None
    password: str | None = None
    timeout_s: float = 30.0
    concurrency: int = 8

    def __repr__(self) -> str:  # secrets never reach logs through a repr
        return f"JiraSettings(base_url={self.base_url!r}, auth={self.auth_kind!r})"

    @property
    def auth_kind(self) -> str:
        if self.token:
            return "pat"
        if self.user:
            return "basic"
        return "none"


@dataclass(frozen=True)
class Settings:
    redis_url: str
    jira: JiraSettings
    redis_sentinels: tuple[tuple[str, int], ...] = ()
    redis_master_name: str = "mymaster"


def _url(env: Mapping[str, str], name: str, default: str | None, schemes: set[str]) -> str | None:
    value = env.get(name, default)
    if value is None or value == "":
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        allowed = ", ".join(sorted(schemes))
        raise ConfigError(f"{name}: {value!r} is not a URL ({allowed})")
    return value.rstrip("/")


def _number(env: Mapping[str, str], name: str, default: float, cast: type = float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number") from None
    if value <= 0:
        raise ConfigError(f"{name}: must be greater than 0, got {raw!r}")
    return value


def _sentinels(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    raw = env.get("REDIS_SENTINELS", "").strip()
    if not raw:
        return ()
    out = []
    for item in raw.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"REDIS_SENTINELS: {item.strip()!r} is not host:port")
        out.append((host, int(port)))
    return tuple(out)


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the worker's settings; raise ConfigError naming the bad variable."""
    env = os.environ if env is None else env
    user, password = env.get("JIRA_USER") or None, env.get("JIRA_PASSWORD") or None
    if user and not password:
        raise ConfigError("JIRA_PASSWORD: required when JIRA_USER is set")
    jira = JiraSettings(
        base_url=_url(env, "JIRA_BASE_URL", None, {"http", "https"}),
        token=env.get("JIRA_TOKEN") or None,
        user=user,
        password=password,
        timeout_s=_number(env, "JIRA_TIMEOUT", 30.0),
        concurrency=int(_number(env, "SYNCBACK_CONCURRENCY", 8, int)),
    )
    return Settings(
        redis_url=_url(env, "REDIS_URL", "redis://127.0.0.1:6379/0", {"redis", "rediss", "unix"}),
        jira=jira,
        redis_sentinels=_sentinels(env),
        redis_master_name=env.get("REDIS_SENTINEL_MASTER", "mymaster"),
    )


# rq's settings-module interface (`rq worker -c worker.settings --serializer json`).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUES = [QUEUE_NAME]
