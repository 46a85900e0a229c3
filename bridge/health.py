"""`GET /api/health`: is Redis reachable, is Jira reachable. Open to everyone, secret-free.

Probes for load balancers and orchestrators: `?probe=live` answers 200 while the process serves
HTTP (nothing else is checked: restarting a healthy bridge never fixes Redis); `?probe=ready`
answers 503 while Redis is unreachable (the bridge can neither enqueue nor read boards), so
traffic goes to another replica. Jira is not part of readiness: webhooks still queue while
Jira is down. Every answer keeps the {"status", "redis", "jira"} body.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

from bridge.errors import ValidationError
from bridge.extensions import resources
from worker.jira import JiraAuthError, JiraClient, JiraError

bp = Blueprint("health", __name__)

HEALTH_TIMEOUT_S = 3.0


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
    redis, jira = redis_status(), jira_status()
    status = "ok" if redis == "ok" and jira == "ok" else "degraded"
    return jsonify({"status": status, "redis": redis, "jira": jira})
