"""The control API of DESIGN.md §8 (/_sim/...): reset, config, sprint close, stats."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.agile import sprint_json, sprint_or_404
from tests.jira_sim.routing import Routes
from tests.jira_sim.sprints import close
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()


@routes.post("/_sim/reset", auth=False)
def reset(sim: Any, request: Request) -> Response:
    """POST /_sim/reset."""
    body = request.json() or {}
    if not isinstance(body, dict):
        raise JiraHttpError(400, "body must be a JSON object")
    unknown = set(body) - {"dataset", "issues", "version"}
    if unknown:
        raise JiraHttpError(400, errors={k: "unknown setting" for k in sorted(unknown)})
    issues = body.get("issues")
    if issues is not None and (isinstance(issues, bool) or not isinstance(issues, int)):
        raise JiraHttpError(400, errors={"issues": "must be an integer or null"})
    try:
        sim.reset(body.get("dataset") or "demo", issues, body.get("version") or sim.state.version)
    except ValueError as exc:
        raise JiraHttpError(400, str(exc)) from None
    return json_response(
        {"dataset": body.get("dataset") or "demo", "issues": issues, "version": sim.state.version}
    )


@routes.put("/_sim/config", auth=False)
def configure(sim: Any, request: Request) -> Response:
    """PUT /_sim/config (the whole config at once)."""
    body = request.json_object()
    sim.faults.configure(body)
    return json_response(
        {
            "latency_ms": sim.faults.latency_s * 1000,
            "rate_limit": body.get("rate_limit"),
            "fail": body.get("fail") or [],
        }
    )


@routes.post("/_sim/sprints/{sprint}/close", auth=False)
def close_sprint(sim: Any, request: Request) -> Response:
    """POST /_sim/sprints/<id>/close."""
    with sim.lock:
        sprint = sprint_or_404(sim.state, request.params["sprint"])
        event = close(sim, sprint)
        body = sprint_json(sim, sprint)
    sim.webhooks.emit("sprint_closed", event)
    return json_response(body)


@routes.get("/_sim/stats", auth=False)
def stats(sim: Any, request: Request) -> Response:
    """GET /_sim/stats."""
    return json_response(sim.stats.snapshot())


@routes.post("/_sim/webhooks/flush", auth=False)
def flush_webhooks(sim: Any, request: Request) -> Response:
    """Wait for queued deliveries (10.x delivers from a background thread), then list them."""
    drained = sim.webhooks.flush()
    return json_response({"drained": drained, "deliveries": list(sim.webhooks.deliveries)})
