"""Webhook registration: /rest/webhooks/1.0 (9.x) or /rest/jira-webhook/1.0 (10.x), not both."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

from tests.jira_sim.jql import JqlError, parse
from tests.jira_sim.jql_eval import Compiler
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Webhook
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content
from tests.jira_sim.webhook_delivery import JQL_FILTER

routes = Routes()
V9, V10 = "/rest/webhooks/1.0/webhook", "/rest/jira-webhook/1.0/webhooks"
EVENTS = {
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "sprint_created",
    "sprint_updated",
    "sprint_deleted",
    "sprint_started",
    "sprint_closed",
    "board_created",
    "board_updated",
    "board_deleted",
    "board_configuration_changed",
    "filter_created",
    "filter_updated",
    "filter_deleted",
    "comment_created",
    "comment_updated",
}


def _check_path(sim: Any, v10: bool) -> None:
    # The resource moved in 10.0; the old path 404s there and the new one does not exist on 9.
    if (sim.state.major >= 10) != v10:
        raise JiraHttpError(404, "null for uri")


def _admin(request: Request) -> None:
    if not request.user.admin:
        raise JiraHttpError(403, "Only Jira administrators can manage webhooks.")


def webhook_json(sim: Any, hook: Webhook) -> dict[str, Any]:
    """The webhook as each version's API shows it."""
    if sim.state.major >= 10:
        return {
            "id": hook.id,
            "name": hook.name,
            "url": hook.url,
            "events": hook.events,
            "createdDate": hook.created_ms,
            "updatedDate": hook.updated_ms,
            "configuration": hook.extra.get("configuration", {}),
            "active": hook.active,
            "scopeType": "GLOBAL",
            "sslVerificationRequired": hook.extra.get("ssl", True),
        }
    return {
        "self": f"{sim.base_url}{V9}/{hook.id}",
        "name": hook.name,
        "url": hook.url,
        "events": hook.events,
        "filters": hook.extra.get("filters", {}),
        "excludeBody": hook.extra.get("excludeBody", False),
        "enabled": hook.active,
        "lastUpdatedUser": "admin",
        "lastUpdated": hook.updated_ms,
    }


def _parse(sim: Any, body: dict[str, Any], v10: bool) -> dict[str, Any]:
    errors = {}
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        errors["name"] = "The webhook name must not be empty."
    url = body.get("url")
    if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https"):
        errors["url"] = "The webhook URL must be an absolute http(s) URL."
    events = body.get("events")
    if not isinstance(events, list) or not events or not set(events) <= EVENTS:
        errors["events"] = "Events must be a non-empty list of known webhook events."
    jql = (
        (body.get("filters") or {}).get(JQL_FILTER)
        if isinstance(body.get("filters"), dict)
        else None
    )
    if jql and not v10:
        try:
            with sim.lock:
                Compiler(sim.state, "admin").compile(parse(jql))
        except JqlError as exc:
            errors["filters"] = str(exc)
    secret = body.get("secret")
    if secret is not None and (not v10 or not isinstance(secret, str)):
        errors["secret"] = "Secrets are supported from Jira 10 on and must be strings."
    if errors:
        raise JiraHttpError(400, errors=errors)
    extra = {
        "configuration": body.get("configuration") or {},
        "filters": body.get("filters") or {},
        "excludeBody": bool(body.get("excludeBody")),
        "ssl": body.get("sslVerificationRequired", True),
    }
    return {
        "name": body["name"],
        "url": url,
        "events": list(events),
        "secret": secret,
        "active": body.get("active", body.get("enabled", True)) is not False,
        "extra": extra,
    }


def _list(sim: Any, request: Request, v10: bool) -> Response:
    _check_path(sim, v10)
    _admin(request)
    with sim.lock:
        return json_response([webhook_json(sim, h) for h in sim.state.webhooks.values()])


def _create(sim: Any, request: Request, v10: bool) -> Response:
    _check_path(sim, v10)
    _admin(request)
    values = _parse(sim, request.json_object(), v10)
    now = int(time.time() * 1000)
    with sim.lock:
        state = sim.state
        hook = Webhook(state.next_webhook, created_ms=now, updated_ms=now, **values)
        state.next_webhook += 1
        state.webhooks[hook.id] = hook
        return json_response(webhook_json(sim, hook), 201)


def _one(sim: Any, request: Request, v10: bool) -> Response:
    _check_path(sim, v10)
    _admin(request)
    raw = request.params["id"]
    with sim.lock:
        hook = sim.state.webhooks.get(int(raw)) if raw.isdigit() else None
        if hook is None:
            raise JiraHttpError(404, f"Webhook with id {raw} does not exist.")
        if request.method == "DELETE":
            del sim.state.webhooks[hook.id]
            return no_content()
        if request.method == "PUT":
            values = _parse(sim, request.json_object(), v10)
            for key, value in values.items():
                setattr(hook, key, value)
            hook.updated_ms = int(time.time() * 1000)
        return json_response(webhook_json(sim, hook))


for _path, _v10 in ((V9, False), (V10, True)):
    routes.get(_path)(lambda sim, req, v=_v10: _list(sim, req, v))
    routes.post(_path)(lambda sim, req, v=_v10: _create(sim, req, v))
    for _method in ("get", "put", "delete"):
        getattr(routes, _method)(_path + "/{id}")(lambda sim, req, v=_v10: _one(sim, req, v))
