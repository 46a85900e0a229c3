"""Bridge configuration: defaults, then the environment, then test overrides (flaskr style)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from worker import logs
from worker import settings as worker_settings
from worker.settings import ConfigError

MAX_CONTENT_LENGTH = 1024 * 1024
"""Largest request body accepted (1 MiB: a CSV of ~20k scores); larger gets 413."""


def _optional_url(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name) or None
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name}: {value!r} is not an http(s) URL")
    return value.rstrip("/") if value else None


TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no variable; anything else is refused (a typo must not turn a protection off)."""
    value = env.get(name, "").strip().lower()
    if value not in TRUE + FALSE:
        raise ConfigError(f"{name}: {env[name]!r} is not one of 1/0, true/false, yes/no, on/off")
    return value in TRUE


MIN_TOKEN_LENGTH = 16


def _token(env: Mapping[str, str], name: str) -> str | None:
    """A bearer or URL token: unset means that door is closed; a short one is refused."""
    value = env.get(name) or None
    if value is not None and (len(value) < MIN_TOKEN_LENGTH or value != value.strip()):
        raise ConfigError(
            f"{name}: must be at least {MIN_TOKEN_LENGTH} characters without surrounding "
            "spaces (e.g. `openssl rand -hex 24`)"
        )
    return value


def _trusted_proxies(env: Mapping[str, str]) -> int:
    raw = env.get("SYNCBACK_TRUSTED_PROXIES", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"SYNCBACK_TRUSTED_PROXIES: {raw!r} is not a number of proxies (0-5)")
    return int(raw)


def _session_seconds(env: Mapping[str, str]) -> int:
    raw = env.get("SYNCBACK_SESSION_HOURS", "8")
    try:
        hours = float(raw)
    except ValueError:
        hours = 0
    if not 0 < hours <= 24 * 30:
        raise ConfigError(
            f"SYNCBACK_SESSION_HOURS: {raw!r} is not a number of hours (0 < h <= 720)"
        )
    return int(hours * 3600)


def load(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config from the environment; raises ConfigError naming the bad variable."""
    env = os.environ if env is None else env
    worker = worker_settings.load(env)
    # The redactor (logs, queue page, jobs API) must know this app's secrets even when the app
    # is built without `syncback serve` (tests, another WSGI server).
    logs.secrets_from_env(env)
    secret_key = env.get("SYNCBACK_SECRET_KEY") or None
    if secret_key is not None and len(secret_key) < 16:
        raise ConfigError("SYNCBACK_SECRET_KEY: must be at least 16 characters")
    return {
        "SYNCBACK_SETTINGS": worker,
        # Without a configured key, sessions last as long as this process (fine for a demo).
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        "SYNCBACK_API_TOKEN": _token(env, "SYNCBACK_API_TOKEN"),
        "SYNCBACK_WEBHOOK_TOKEN": _token(env, "SYNCBACK_WEBHOOK_TOKEN"),
        "SYNCBACK_WEBHOOK_SECRET": env.get("SYNCBACK_WEBHOOK_SECRET") or None,
        "SYNCBACK_PUBLIC_URL": _optional_url(env, "SYNCBACK_PUBLIC_URL"),
        "SYNCBACK_METRICS_ALLOW": env.get("SYNCBACK_METRICS_ALLOW", ""),  # CIDRs, bridge.metrics
        "SYNCBACK_TRUSTED_PROXIES": _trusted_proxies(env),  # X-Forwarded-* hops, bridge.proxy
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env, "SYNCBACK_COOKIE_SECURE"),
        "PERMANENT_SESSION_LIFETIME": _session_seconds(env),
        "WTF_CSRF_TIME_LIMIT": None,
        # JSON API calls authenticate with a bearer token and skip CSRF; see bridge.auth.
        "WTF_CSRF_CHECK_DEFAULT": False,
    }
