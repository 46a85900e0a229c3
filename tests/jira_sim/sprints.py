"""Sprint updates (start, close, rename) and the webhook events they raise (§5.1, §6.3)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.agile import sprint_json, sprint_or_404
from tests.jira_sim.dataset import SPRINT, STATUSES
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import SimState, Sprint
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()
_EDITABLE = {
    "name",
    "goal",
    "startDate",
    "endDate",
    "state",
    "completeDate",
    "id",
    "self",
    "originBoardId",
    "activatedDate",
    "autoStartStop",
    "synced",
}


def close(sim: Any, sprint: Sprint) -> dict[str, Any]:
    """Close an active sprint; unfinished issues go back to the backlog (caller holds the lock)."""
    if sprint.state != "active":
        raise JiraHttpError(
            400, f"Sprint {sprint.id} is {sprint.state}; only an active sprint can be closed."
        )
    state: SimState = sim.state
    now = issue_store.now_timestamp()
    sprint.state, sprint.complete = "closed", now
    project = state.projects.get(state.boards[sprint.board_id].project_key)
    if project is not None:
        # Generated issues sit in sprints only up to SHOP-20; later moves live in overrides.
        edited = (i - project.id_base for i in state.overrides)
        numbers = set(range(1, min(project.count, 20) + 1)) | {
            n for n in edited if 0 < n <= project.count
        }
        for n in sorted(numbers):
            if issue_store.value(state, project, n, SPRINT) != sprint.id:
                continue
            if STATUSES[issue_store.value(state, project, n, "status")].category != "done":
                state.overrides.setdefault(project.id_base + n, {})[SPRINT] = None
        issue_store.invalidate(state, {SPRINT})
    return {"webhookEvent": "sprint_closed", "sprint": sprint_json(sim, sprint)}


def _update(sim: Any, request: Request) -> Response:
    """PUT/POST sprint: rename, set goal or dates, start (future->active) or close (active->closed).

    A state change delivers sprint_started or sprint_closed; other changes sprint_updated.
    """
    body = request.json_object()
    unknown = sorted(set(body) - _EDITABLE)
    if unknown:
        raise JiraHttpError(400, f'Unrecognized field "{unknown[0]}"')
    if not request.user.admin:
        raise JiraHttpError(403, "You do not have permission to manage this sprint.")
    with sim.lock:
        state = sim.state
        sprint = sprint_or_404(state, request.params["sprint"])
        target = body.get("state", sprint.state)
        _check(state, sprint, target, body, request.method)
        before = sprint_json(sim, sprint)
        for key, attr in (("name", "name"), ("goal", "goal"), ("startDate", "start"),
                          ("endDate", "end")):  # fmt: skip
            if key in body:
                setattr(sprint, attr, body[key])
        event = None
        if target == "active" and sprint.state == "future":
            sprint.state = "active"
            issue_store.invalidate(state, {SPRINT})  # futureSprints() changed
            event = "sprint_started"
        elif target == "closed" and sprint.state == "active":
            close(sim, sprint)
            event = "sprint_closed"
        after = sprint_json(sim, sprint)
        if event is None and after != before:
            event = "sprint_updated"
            issue_store.invalidate(state, {SPRINT})  # `sprint = "<name>"` may now differ
    if event is not None:
        payload = (
            {"sprint": after}
            if event != "sprint_updated"
            else {"sprint": after, "oldValue": before}
        )  # noqa: E501
        sim.webhooks.emit(event, payload)
    return json_response(after)


def _check(state: SimState, sprint: Sprint, target: Any, body: dict, method: str) -> None:
    """Refuse impossible updates before anything changes."""
    if target not in ("future", "active", "closed"):
        raise JiraHttpError(400, errors={"state": f"Invalid sprint state '{target}'."})
    if method == "PUT" and not body.get("name", sprint.name):
        raise JiraHttpError(400, errors={"name": "The sprint name must not be empty."})
    if target == sprint.state:
        return
    if target == "active" and sprint.state == "future":
        if not body.get("startDate", sprint.start) or not body.get("endDate", sprint.end):
            message = "A sprint needs a start and end date to be started."
            raise JiraHttpError(400, errors={"startDate": message})
        if any(
            s.state == "active" and s.board_id == sprint.board_id for s in state.sprints.values()
        ):  # noqa: E501
            raise JiraHttpError(400, "Another sprint is already active on this board.")
    elif not (target == "closed" and sprint.state == "active"):
        message = f"A {sprint.state} sprint cannot become {target}."
        raise JiraHttpError(400, errors={"state": message})


routes.put("/rest/agile/1.0/sprint/{sprint}")(_update)
routes.post("/rest/agile/1.0/sprint/{sprint}")(_update)
