"""Webhook registration on the version's path (the other 404s) and delivery with HMAC (§6)."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import threading
import time
from typing import Any
from urllib.parse import urlparse

import requests

from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Webhook
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content

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
_VARIABLE = re.compile(
    r"\$?\{(issue\.key|issue\.id|project\.key|project\.id|board\.id|sprint\.id)\}"
)


def _check_path(sim: Any, v10: bool) -> None:
    # The resource moved in 10.0; the old path 404s there and the new one does not exist on 9.
    if (sim.state.major >= 10) != v10:
        raise JiraHttpError(404, "null for uri")


def _admin(request: Request) -> None:
    if not request.user.admin:
        raise JiraHttpError(403, "Only Jira administrators can manage webhooks.")


def webhook_json(sim: Any, hook: Webhook) -> dict[str, Any]:
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


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _expand(url: str, payload: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        entity, attr = match.group(1).split(".")
        source = payload.get(entity) or (payload.get("issue") or {}).get("fields", {}).get(entity)
        return str((source or {}).get(attr, ""))

    return _VARIABLE.sub(value, url)


class Dispatcher:
    """Delivers events: from a background thread on 10.x (async), inline on 9.x."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.queue: queue.Queue[tuple[str, bytes, str | None] | None] = queue.Queue()
        self.deliveries: list[dict[str, Any]] = []
        self._thread: threading.Thread | None = None
        self._session = requests.Session()
        self._lock = threading.Lock()

    def wants(self, event: str) -> bool:
        """Whether any active webhook listens to `event` (skip building unwanted payloads)."""
        return any(h.active and event in h.events for h in self.sim.state.webhooks.values())

    def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Send `payload` to every active webhook subscribed to `event` (call without the lock)."""
        payload = {"timestamp": int(time.time() * 1000), **payload, "webhookEvent": event}
        body = json.dumps(payload).encode()
        with self.sim.lock:
            hooks = [h for h in self.sim.state.webhooks.values() if h.active and event in h.events]
            sync = self.sim.state.major < 10
        for hook in hooks:
            job = (_expand(hook.url, payload), body, hook.secret, event)
            if sync:
                self._deliver(*job)
            else:
                self._ensure_thread()
                self.queue.put(job)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while (job := self.queue.get()) is not None:
            try:
                self._deliver(*job)
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def _deliver(self, url: str, body: bytes, secret: str | None, event: str) -> None:
        headers = {"Content-Type": "application/json; charset=UTF-8", "User-Agent": "JIRA-Webhook"}
        if secret:
            headers["X-Hub-Signature"] = sign(secret, body)
        record: dict[str, Any] = {"url": url, "event": event}
        try:
            response = self._session.post(url, data=body, headers=headers, timeout=10)
            record["status"] = response.status_code
        except requests.RequestException as exc:
            record["error"] = exc.__class__.__name__
        ok = 200 <= record.get("status", 0) < 300
        self.sim.stats.add("webhooks_delivered" if ok else "webhooks_failed")
        with self._lock:
            self.deliveries.append(record)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery was attempted."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.queue.unfinished_tasks

    def clear(self) -> None:
        self.flush(5.0)
        with self._lock:
            self.deliveries = []

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self.queue.put(None)
