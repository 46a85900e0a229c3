"""Sim: the state, its lock, and the request pipeline (auth, limits, faults, dispatch)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from tests.jira_sim import (
    agile,
    control,
    dataset,
    fields,
    filters,
    greenhopper,
    issues,
    ranking,
    screens,
    search,
    server_info,
    sprints,
    ui,
    webhook_delivery,
    webhooks,
)
from tests.jira_sim.auth import authenticate
from tests.jira_sim.faults import Faults
from tests.jira_sim.routing import Router
from tests.jira_sim.stats import Stats
from tests.jira_sim.web import JiraHttpError, Request, Response

log = logging.getLogger("jira_sim")
TABLES = [
    server_info.routes,
    fields.routes,
    screens.routes,
    issues.routes,
    search.routes,
    agile.routes,
    ranking.routes,
    sprints.routes,
    filters.routes,
    greenhopper.routes,
    webhooks.routes,
    control.routes,
    ui.routes,
]


class Sim:
    """One simulated Jira. Handlers take `self.lock` only around state access, never to sleep."""

    def __init__(
        self, dataset_name: str = "demo", issues: int | None = None, version: str = "10.3"
    ) -> None:
        self.lock = threading.RLock()
        self.router = Router(TABLES)
        self.base_url = "http://127.0.0.1"
        self.state = dataset.build(dataset_name, issues, version)
        self.faults = Faults()
        self.stats = Stats()
        self.webhooks = webhook_delivery.Dispatcher(self)

    def reset(self, dataset_name: str, issues: int | None, version: str) -> None:
        """Replace the state (and config, stats, webhooks) with a fresh dataset."""
        fresh = dataset.build(dataset_name, issues, version)
        with self.lock:
            self.state = fresh
            self.faults = Faults()
            self.stats = Stats()
        self.webhooks.clear()

    def handle(self, request: Request) -> Response:
        """Route, authenticate, apply limits and faults, run the handler; never raises."""
        route_name = "unmatched"
        try:
            route, params = self.router.match(request.method, request.path)
            route_name = route.pattern
            request.params = params
            if request.path.startswith("/rest/"):
                # Anonymous-friendly resources (serverInfo) still check credentials when sent.
                if route.auth or request.header("authorization"):
                    request.user = authenticate(self.state, request)
                response = self._guarded(request, route)
            else:  # the simulator's own /_sim pages and control API: no Jira behaviour applies
                response = route.handler(self, request)
        except JiraHttpError as exc:
            response = exc.response()
        except Exception:  # a simulator bug must answer 500, not drop the connection
            log.exception("jira_sim: unhandled error for %s %s", request.method, request.path)
            response = JiraHttpError(
                500, "Internal server error (simulator bug; see its log)."
            ).response()
        if not request.path.startswith("/_sim/"):
            self.stats.record(request.method, route_name, response.status)
        if request.path.startswith("/rest/"):
            name = request.user.name if request.user is not None else "anonymous"
            response.headers.setdefault("X-AUSERNAME", name)
        return response

    def _guarded(self, request: Request, route: Any) -> Response:
        if _xsrf_blocked(request):
            return Response(403, b"XSRF check failed", {}, "text/plain;charset=UTF-8")
        faults = self.faults
        limit_headers: dict[str, str] = {}
        # Jira limits authenticated REST calls only (reference §7).
        if faults.limiter is not None and request.user is not None:
            decision = faults.limiter.take(request.user.name)
            limit_headers = decision.headers
            if not decision.allowed:
                raise JiraHttpError(429, "Rate limit exceeded.", headers=limit_headers)
        if faults.latency_s:
            time.sleep(faults.latency_s)  # outside any lock: latency never serialises requests
        status = faults.failure_for(request.method, request.path)
        if status is not None:
            self.stats.add("injected_failures")
            raise JiraHttpError(status, f"Injected failure {status}.", headers=limit_headers)
        try:
            response = route.handler(self, request)
        except JiraHttpError as exc:
            exc.headers.update(limit_headers)  # Jira sends the X-RateLimit-* headers on errors too
            raise
        response.headers.update(limit_headers)
        return response


# The Atlassian REST framework refuses state changes sent with a "simple" content type (what an
# HTML form could send) unless `X-Atlassian-Token: no-check` is present (reference §7).
_SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def _xsrf_blocked(request: Request) -> bool:
    if request.method not in ("POST", "PUT", "DELETE"):
        return False
    media = (request.header("content-type") or "").split(";")[0].strip().lower()
    token = (request.header("x-atlassian-token") or "").lower()
    return media in _SIMPLE_TYPES and token not in ("no-check", "nocheck")
