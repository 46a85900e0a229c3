"""`GET /api/health`: is Redis reachable, is Jira reachable. Open to everyone, secret-free."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

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
    redis, jira = redis_status(), jira_status()
    status = "ok" if redis == "ok" and jira == "ok" else "degraded"
    return jsonify({"status": status, "redis": redis, "jira": jira})
