"""`GET /api/health`: is Redis reachable, is Jira reachable. Open to everyone, secret-free.

Probes for load balancers and orchestrators: `?probe=live` answers 200 while the process serves
HTTP (nothing else is checked: restarting a healthy bridge never fixes Redis); `?probe=ready`
answers 503 while Redis is unreachable (the bridge can neither enqueue nor read boards), so
traffic goes to another replica. Jira is not part of readiness: webhooks still queue while
Jira is down. Every answer keeps the {"status", "redis", "jira"} body.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

from bridge.errors import ValidationError
from bridge.extensions import resources
from worker.jira import JiraAuthError, JiraClient, JiraError

bp = Blueprint("health", __name__)

HEALTH_TIMEOUT_S = 3.0
JIRA_STATUS_TTL_S = 10.0
"""The route is open to anyone: without this, every anonymous hit would make a Jira request with
the service credentials (and, with Jira down, hold a server thread for HEALTH_TIMEOUT_S)."""


def redis_status() -> str:
    try:
        resources().redis.ping()
        return "ok"
    except RedisError:
        return "unreachable"


def jira_status() -> str:
    settings = resources().settings.jira
    if not settings.base_url:
        return "not_configured"
    client = JiraClient(dataclasses.replace(settings, timeout_s=HEALTH_TIMEOUT_S))
    try:
        client.myself()
        return "ok"
    except JiraAuthError:
        return "unauthorized"
    except JiraError:
        return "unreachable"


def cached_jira_status() -> str:
    """jira_status() at most once per JIRA_STATUS_TTL_S per process; one check at a time, others
    answer the last known status meanwhile."""
    cache = current_app.extensions.setdefault(
        "syncback_health", {"lock": threading.Lock(), "at": float("-inf"), "status": None}
    )
    if time.monotonic() - cache["at"] < JIRA_STATUS_TTL_S:
        return cache["status"]
    if not cache["lock"].acquire(blocking=cache["status"] is None):
        return cache["status"]  # another request is asking Jira right now
    try:
        if time.monotonic() - cache["at"] >= JIRA_STATUS_TTL_S:
            cache["status"], cache["at"] = jira_status(), time.monotonic()
        return cache["status"]
    finally:
        cache["lock"].release()


@bp.get("/api/health")
def health() -> ResponseReturnValue:
    probe = request.args.get("probe")
    if probe == "live":
        return jsonify({"status": "ok", "redis": "not_checked", "jira": "not_checked"})
    if probe == "ready":
        redis = redis_status()
        body = {"status": "ok" if redis == "ok" else "unavailable", "redis": redis}
        return jsonify({**body, "jira": "not_checked"}), 200 if redis == "ok" else 503
    if probe is not None:
        raise ValidationError(
            "unknown health probe",
            details=[{"path": "$.probe", "message": f"{probe!r} is not one of 'live', 'ready'"}],
        )
    redis, jira = redis_status(), cached_jira_status()
    status = "ok" if redis == "ok" and jira == "ok" else "degraded"
    return jsonify({"status": status, "redis": redis, "jira": jira})
