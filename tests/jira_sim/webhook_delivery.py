"""Webhook delivery: from a background thread on 10.x, inline on 9.x; HMAC when there's a secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import threading
import time
from typing import Any

import requests

from tests.jira_sim import issue_store
from tests.jira_sim.jql import JqlError, parse
from tests.jira_sim.jql_eval import Compiler
from tests.jira_sim.state import Webhook

JQL_FILTER = "issue-related-events-section"  # the 9.x `filters` key (JRASERVER-78733)
_VARIABLE = re.compile(
    r"\$?\{(issue\.key|issue\.id|project\.key|project\.id|board\.id|sprint\.id)\}"
)


def sign(secret: str, body: bytes) -> str:
    """X-Hub-Signature value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _expand(url: str, payload: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        entity, attr = match.group(1).split(".")
        source = payload.get(entity) or (payload.get("issue") or {}).get("fields", {}).get(entity)
        return str((source or {}).get(attr, ""))

    return _VARIABLE.sub(value, url)


def _jql_selects(state: Any, hook: Webhook, payload: dict[str, Any]) -> bool:
    """9.x applies `filters.issue-related-events-section` JQL to issue events only.

    10.x silently ignores that 9.x format (JRASERVER-78733), so it is only checked on 9.x.
    """
    jql = (hook.extra.get("filters") or {}).get(JQL_FILTER)
    issue = payload.get("issue")
    if not jql or not isinstance(issue, dict):
        return True
    found = issue_store.locate(state, str(issue.get("key", "")))
    try:
        compiled = Compiler(state, "admin").compile(parse(jql))
    except JqlError:
        return False
    return found is not None and (compiled.predicate is None or compiled.predicate(*found))


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
            state = self.sim.state
            sync = state.major < 10
            hooks = [
                h
                for h in state.webhooks.values()
                if h.active and event in h.events and (not sync or _jql_selects(state, h, payload))
            ]
        for hook in hooks:
            sent = b"" if hook.extra.get("excludeBody") else body  # excludeBody: empty POST
            job = (_expand(hook.url, payload), sent, hook.secret, event)
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
        """Finish pending deliveries and forget the log."""
        self.flush(5.0)
        with self._lock:
            self.deliveries = []

    def stop(self) -> None:
        """Stop the delivery thread."""
        if self._thread is not None and self._thread.is_alive():
            self.queue.put(None)
