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
    body = request.json_object()
    unknown = sorted(set(body) - _EDITABLE)
    if unknown:
        raise JiraHttpError(400, f'Unrecognized field "{unknown[0]}"')
    if not request.user.admin:
        raise JiraHttpError(403, "You do not have permission to manage this sprint.")
    events = []
    with sim.lock:
        state = sim.state
        sprint = sprint_or_404(state, request.params["sprint"])
        target = body.get("state", sprint.state)
        if target not in ("future", "active", "closed"):
            raise JiraHttpError(400, errors={"state": f"Invalid sprint state '{target}'."})
        if request.method == "PUT" and not body.get("name", sprint.name):
            raise JiraHttpError(400, errors={"name": "The sprint name must not be empty."})
        before = sprint_json(sim, sprint)
        if target == "active" and sprint.state == "future":
            start, end = body.get("startDate", sprint.start), body.get("endDate", sprint.end)
            if not start or not end:
                raise JiraHttpError(
                    400, errors={"startDate": "A sprint needs a start and end date to be started."}
                )
            if any(
                s.state == "active" and s.board_id == sprint.board_id
                for s in state.sprints.values()
            ):
                raise JiraHttpError(400, "Another sprint is already active on this board.")
            sprint.state, sprint.start, sprint.end = "active", start, end
            issue_store.invalidate(state, {SPRINT})  # futureSprints() changed
            events.append(("sprint_started", {"sprint": sprint_json(sim, sprint)}))
        elif target == "closed" and sprint.state != "closed":
            events.append(("sprint_closed", close(sim, sprint)))
        elif target != sprint.state:
            raise JiraHttpError(
                400, errors={"state": f"A {sprint.state} sprint cannot become {target}."}
            )
        for key, attr in (
            ("name", "name"),
            ("goal", "goal"),
            ("startDate", "start"),
            ("endDate", "end"),
        ):
            if key in body and not (key in ("startDate", "endDate") and target == "active"):
                setattr(sprint, attr, body[key])
        after = sprint_json(sim, sprint)
        if after != before:
            events.append(("sprint_updated", {"sprint": after, "oldValue": before}))
    for event, payload in events:
        sim.webhooks.emit(event, payload)
    return json_response(after)


routes.put("/rest/agile/1.0/sprint/{sprint}")(_update)
routes.post("/rest/agile/1.0/sprint/{sprint}")(_update)
