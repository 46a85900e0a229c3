"""Structured logs: one JSON object per line on stderr, with context, and secrets redacted.

Context (board, run id, job id, request id) comes from `rq.get_current_job()` inside jobs and
from `bind()` (the bridge binds the request; services may bind a board). Redaction runs on the
final line, so a secret is caught wherever it hides: message, extra field or traceback.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import os
import re
import sys
from base64 import b64encode
from collections.abc import Iterator, Mapping
from contextvars import ContextVar, Token

from pythonjsonlogger.json import JsonFormatter
from redis.exceptions import RedisError
from rq import get_current_job
from rq.job import Job

from worker.settings import ConfigError
from worker.store.runs import run_key

REDACTED = "[REDACTED]"
SECRET_VARIABLES = (
    "SYNCBACK_API_TOKEN",
    "SYNCBACK_WEBHOOK_TOKEN",
    "SYNCBACK_WEBHOOK_SECRET",
    "SYNCBACK_SECRET_KEY",
    "JIRA_TOKEN",
    "JIRA_PASSWORD",
)
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Shapes that carry credentials even when we do not know the value (a caller's wrong token,
# a session cookie, the token in a webhook URL).
PATTERNS = (
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"(/webhooks/jira/)[^/?\s\"'#\\]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b(session=)[^;\s\"'\\]+"), r"\1" + REDACTED),
    (
        re.compile(
            r"(?i)([\"']?(?:password|passwd|token|secret|csrf_token)[\"']?\s*[=:]\s*[\"']?)"
            r"(?!\[REDACTED\])[^\s\"'&,;}\\]+"
        ),
        r"\1" + REDACTED,
    ),
)

_context: ContextVar[Mapping[str, str] | None] = ContextVar("syncback_log_context", default=None)
_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Never let `value` (and its JSON-escaped form) reach a log line."""
    if value and len(value) >= 4:
        _secrets.add(value)
        _secrets.add(json.dumps(value)[1:-1])


def secrets_from_env(env: Mapping[str, str]) -> None:
    for name in SECRET_VARIABLES:
        add_secret(env.get(name))
    if env.get("JIRA_USER") and env.get("JIRA_PASSWORD"):
        add_secret(b64encode(f"{env['JIRA_USER']}:{env['JIRA_PASSWORD']}".encode()).decode())


def redact(text: str) -> str:
    """`text` with every known secret and credential shape replaced by [REDACTED]."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def bind(**fields: object) -> Token:
    """Add fields to every log record of this thread/task until `unbind(token)`."""
    merged = {**(_context.get() or {}), **{k: str(v) for k, v in fields.items() if v is not None}}
    return _context.set(merged)


def unbind(token: Token) -> None:
    _context.reset(token)


@contextlib.contextmanager
def bound(**fields: object) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


_job_context: dict[str, dict[str, str]] = {}
_horse_job: Job | None = None


def set_horse_job(job: Job | None) -> None:
    """The job this work horse runs, for threads the job starts (RQ's current job is
    thread-local, so a sync's writer threads would log without context)."""
    global _horse_job
    _horse_job = job


def _from_job() -> dict[str, str]:
    """job_id, and run_id/board from the job's arguments (by parameter name) or its meta."""
    job = get_current_job() or _horse_job
    if job is None:
        return {}
    cached = _job_context.get(job.id)
    if cached is not None:
        return cached
    found = {"job_id": job.id}
    # Cached before the lookups below: they may log themselves (a new Redis connection logs at
    # DEBUG), and that record must find this entry instead of looking up again, forever.
    _job_context.clear()  # one job per work horse: keep only the current one
    _job_context[job.id] = found
    try:
        bound_args = inspect.signature(job.func).bind_partial(*job.args, **job.kwargs).arguments
    except Exception:  # an unimportable or changed function must not break logging
        bound_args = {}
    for source, name in (("run_id", "run_id"), ("board_id", "board"), ("board", "board")):
        value = job.meta.get(name) or bound_args.get(source)
        if isinstance(value, str):
            found.setdefault(name, value)
    if "run_id" in found and "board" not in found:
        with contextlib.suppress(RedisError):
            board = job.connection.hget(run_key(found["run_id"]), "board")
            if board:
                found["board"] = board.decode()
    return found


class ContextFilter(logging.Filter):
    """Adds job and request context to every record (explicit `extra` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in {**_from_job(), **(_context.get() or {})}.items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


class RedactingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter whose finished line goes through `redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def formatter() -> RedactingJsonFormatter:
    return RedactingJsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
    )


def parse_level(value: str | None) -> str:
    level = (value or "INFO").strip().upper()
    if level not in LEVELS:
        raise ConfigError(f"SYNCBACK_LOG_LEVEL: {value!r} is not one of {', '.join(LEVELS)}")
    return level


def configure_logging(level: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """JSON lines on stderr for every logger; level from `level` or SYNCBACK_LOG_LEVEL."""
    env = os.environ if env is None else env
    resolved = parse_level(level or env.get("SYNCBACK_LOG_LEVEL"))
    secrets_from_env(env)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(resolved)
    # Third-party loggers keep their own handlers otherwise (werkzeug, rq): route them through ours.
    for name in ("werkzeug", "rq", "rq.worker", "rq.scheduler", "gunicorn.error"):
        lib = logging.getLogger(name)
        for old in list(lib.handlers):
            lib.removeHandler(old)
        lib.propagate = True
    return resolved
