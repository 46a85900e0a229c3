"""`POST /webhooks/jira/<token>`: Jira webhook intake (DESIGN §6).

authenticate (token in the URL, constant-time; `X-Hub-Signature: sha256=<hmac>` over the raw
body when SYNCBACK_WEBHOOK_SECRET is set) → size → parse → validate → dispatch (bridge/events.py)
→ enqueue → 204. 401 wrong token/signature, 400 bad JSON or shape (with the JSON path), 413 body
over the limit, 503 Redis down. CSRF-exempt: Jira cannot send a CSRF token; the URL token and
signature are the authentication.

Repeated deliveries (DC 10 is async: late, twice, out of order) are dropped here by a job id
derived from the body's digest, enqueued with `unique=True`; the jobs are idempotent as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import DuplicateJobError
from werkzeug.exceptions import RequestEntityTooLarge

from bridge import events, webhook_counts
from bridge.auth import csrf
from bridge.errors import ApiError, UnauthorizedError, UnavailableError, ValidationError
from bridge.extensions import resources
from bridge.validation import validate

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)

WEBHOOK_MAX_BYTES = 512 * 1024
"""Tighter than the app's 1 MiB: issue payloads carry every field and comment, rarely >100 KB."""

DEDUP_WINDOW_S = 6 * 3600
"""How long a delivery's job id stays taken (result TTL), so a re-delivery is recognised."""

JOB_FAILURE_TTL_S = 7 * 24 * 3600
SIGNATURE_HEADER = "X-Hub-Signature"
WEBHOOK_RETRY = Retry(max=3, interval=[10, 60, 300])


def _check_token(token: str) -> None:
    expected = current_app.config.get("SYNCBACK_WEBHOOK_TOKEN")
    if not expected:
        raise UnauthorizedError("webhook intake is disabled: SYNCBACK_WEBHOOK_TOKEN is not set")
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise UnauthorizedError("wrong webhook token")


def _read_body() -> bytes:
    limit = int(current_app.config.get("SYNCBACK_WEBHOOK_MAX_BYTES", WEBHOOK_MAX_BYTES))
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"webhook body larger than {limit} bytes")
    raw = request.stream.read(limit + 1)  # chunked bodies carry no Content-Length
    if len(raw) > limit:
        raise RequestEntityTooLarge(f"webhook body larger than {limit} bytes")
    return raw


def _check_signature(raw: bytes) -> None:
    """Atlassian DC: `X-Hub-Signature: sha256=<hex>` HMAC of the raw body (jira-server-api §6.5)."""
    secret = current_app.config.get("SYNCBACK_WEBHOOK_SECRET")
    if not secret:
        return
    header = request.headers.get(SIGNATURE_HEADER, "")
    scheme, _, sent = header.partition("=")
    if scheme.strip().lower() != "sha256" or not sent:
        raise UnauthorizedError(f"missing or malformed {SIGNATURE_HEADER} (expected sha256=<hex>)")
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent.strip().lower().encode(), expected.encode()):
        raise UnauthorizedError(f"{SIGNATURE_HEADER} does not match the body")


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: [[[[...
        raise ValidationError(
            f"the body is not valid JSON: {exc}",
            details=[{"path": "$", "message": "malformed JSON"}],
        ) from None
    # Fast path for the common case; the schema names the problem otherwise.
    event = payload.get("webhookEvent") if isinstance(payload, dict) else None
    stamp = payload.get("timestamp") if isinstance(payload, dict) else None
    well_formed = isinstance(event, str) and 0 < len(event) <= 100
    if not (well_formed and (stamp is None or type(stamp) is int)):
        validate("webhooks/envelope", payload)
    return payload


def _enqueue(calls: list[events.JobCall], digest: str) -> str:
    """Enqueue each call under an id derived from the body; a taken id means a re-delivery."""
    queue = resources().queue
    outcome = "enqueued"
    for n, call in enumerate(calls):
        job = queue.create_job(
            call.func,
            args=call.args,
            job_id=f"wh_{digest[:32]}_{n}",
            result_ttl=DEDUP_WINDOW_S,
            failure_ttl=JOB_FAILURE_TTL_S,
            description=f"webhook {call.func.__name__}",
            # Jira briefly down while a job re-reads it: DC never re-sends, so we retry.
            retry=WEBHOOK_RETRY,
        )
        try:
            queue.enqueue_job(job, unique=True)
        except DuplicateJobError:
            outcome = "duplicate"
    return outcome


@bp.post("/webhooks/jira/<token>")
def intake(token: str) -> ResponseReturnValue:
    event = "-"
    try:
        _check_token(token)
        raw = _read_body()
        _check_signature(raw)
        payload = _parse(raw)
        event = payload["webhookEvent"]
        handler = events.HANDLERS.get(event)
        if handler is None:
            outcome = "ignored" if event in events.IGNORED_EVENTS else "unknown"
        else:
            validate(handler.schema, payload)
            calls = handler.plan(payload, events.EventContext(resources().redis))
            digest = hashlib.sha256(raw).hexdigest()
            outcome = _enqueue(calls, digest) if calls else "ignored"
    except ApiError as exc:
        _record(event, exc.code)
        raise
    except RequestEntityTooLarge:
        _record(event, "too_large")
        raise
    except RedisError as exc:
        log.warning("webhook.redis_unavailable", extra={"event": event, "error": str(exc)})
        raise UnavailableError("Redis is unreachable; the event was not accepted") from None
    _record(event, outcome)
    return "", 204


def _record(event: str, outcome: str) -> None:
    """Log and count the delivery (metric `webhook_events`); never fails the request."""
    event = event if event in events.HANDLERS or event in events.IGNORED_EVENTS else "other"
    # The access log already has every request; rejections get their own line with the reason.
    level = logging.DEBUG if outcome in ("enqueued", "duplicate", "ignored") else logging.INFO
    log.log(level, "webhook.delivery", extra={"event": event, "outcome": outcome})
    webhook_counts.count(resources().redis, event, outcome)
