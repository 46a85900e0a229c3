"""GET/PUT /rest/api/2/issue/{key} and editmeta: the edit-screen and notifyUsers rules (§4.1)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.dataset import STATUSES
from tests.jira_sim.field_values import ValueError_, apply_update_ops, coerce
from tests.jira_sim.render import display_string, issue_json, select_fields
from tests.jira_sim.routing import Routes
from tests.jira_sim.server_info import user_json
from tests.jira_sim.state import Project, SimState
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content

routes = Routes()

NOT_ON_SCREEN = "Field '{0}' cannot be set. It is not on the appropriate screen, or unknown."
# Wording of Jira's IssueResource for a non-admin asking notifyUsers=false [3p].
NOTIFY_FORBIDDEN = (
    "To discard the user notification either admin or project admin permissions are required."
)
_MISSING = "Issue Does Not Exist"


def find(state: SimState, key: str) -> tuple[Project, int]:
    """The issue, or 404 `Issue Does Not Exist`."""
    found = issue_store.locate(state, key)
    if found is None:
        raise JiraHttpError(404, _MISSING)
    return found


def editable_fields(state: SimState, project: Project, n: int) -> list[str]:
    """Fields on the issue's edit screen; none when its workflow step is not editable."""
    status = STATUSES[issue_store.value(state, project, n, "status")]
    if not status.editable:
        return []
    issue_type = issue_store.value(state, project, n, "issuetype")
    screen = state.screens.get(project.screen_for(issue_type))
    if screen is None:
        return []
    return [f for f in screen.field_ids() if f in state.fields]


@routes.get("/rest/api/2/issue/{key}")
def get_issue(sim: Any, request: Request) -> Response:
    """One issue with the selected fields (default all)."""
    with sim.lock:
        state = sim.state
        project, n = find(state, request.params["key"])
        wanted = select_fields(state, request.query.get("fields"), "*all")
        body = issue_json(state, sim.base_url, project, n, wanted)
    return json_response(body)


@routes.get("/rest/api/2/issue/{key}/editmeta")
def editmeta(sim: Any, request: Request) -> Response:
    """The fields of the issue's edit screen."""
    with sim.lock:
        state = sim.state
        project, n = find(state, request.params["key"])
        meta = {}
        for fid in editable_fields(state, project, n):
            field = state.fields[fid]
            meta[fid] = {
                "required": fid in ("summary", "issuetype"),
                "schema": dict(field.schema),
                "name": field.name,
                "fieldId": fid,
                "operations": ["add", "set", "remove"] if fid == "labels" else ["set"],
            }
    return json_response({"fields": meta})


def _parse_edit(body: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """{field id: ("fields"|"update", payload)} from an IssueUpdateBean."""
    fields = body.get("fields") or {}
    update = body.get("update") or {}
    if not isinstance(fields, dict) or not isinstance(update, dict):
        raise JiraHttpError(400, "Can not deserialize: 'fields' and 'update' must be objects.")
    wanted = {fid: ("fields", v) for fid, v in fields.items()}
    wanted.update({fid: ("update", ops) for fid, ops in update.items()})
    return wanted


@routes.put("/rest/api/2/issue/{key}")
def edit_issue(sim: Any, request: Request) -> Response:
    """Edit fields: the screen, type and notifyUsers rules; all or nothing."""
    notify = (request.arg("notifyUsers", "true") or "true").lower() != "false"
    if not notify and not request.user.admin:
        raise JiraHttpError(403, NOTIFY_FORBIDDEN)
    wanted = _parse_edit(request.json_object())
    with sim.lock:
        state = sim.state
        project, n = find(state, request.params["key"])
        allowed = set(editable_fields(state, project, n))
        errors: dict[str, str] = {}
        changes: dict[str, Any] = {}
        for fid, (source, payload) in wanted.items():
            if fid not in allowed:
                errors[fid] = NOT_ON_SCREEN.format(fid)
                continue
            field = state.fields[fid]
            try:
                current = issue_store.value(state, project, n, fid)
                raw = apply_update_ops(field, current, payload) if source == "update" else payload
                changes[fid] = coerce(state, field, raw)
            except ValueError_ as exc:
                errors[fid] = str(exc)
        if errors:
            # All or nothing: one refused field means nothing is written.
            raise JiraHttpError(400, errors=errors)
        items = _changelog(state, project, n, changes)
        if items:
            issue_store.write(state, project, n, changes, issue_store.now_timestamp())
        sim.stats.add("issue_writes")
        wanted_event = items and sim.webhooks.wants("jira:issue_updated")
        event = issue_updated_event(sim, request.user, project, n, items) if wanted_event else None
    if event is not None:
        sim.webhooks.emit("jira:issue_updated", event)
    return no_content()


def _changelog(state: SimState, project: Project, n: int, changes: dict[str, Any]) -> list[dict]:
    """Server-style items: custom fields by *name*, string values, no fieldId (§6.3)."""
    items = []
    for fid, new in changes.items():
        old = issue_store.value(state, project, n, fid)
        if old == new:
            continue
        field = state.fields[fid]
        items.append(
            {
                "field": field.name if field.custom else fid,
                "fieldtype": "custom" if field.custom else "jira",
                "from": None,
                "fromString": display_string(old),
                "to": None,
                "toString": display_string(new),
            }
        )
    return items


def issue_updated_event(
    sim: Any, user: Any, project: Project, n: int, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """The jira:issue_updated payload after a change (caller holds the lock)."""
    state = sim.state
    state.next_changelog += 1
    return {
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_updated",
        "user": user_json(sim.base_url, user),
        "issue": issue_json(state, sim.base_url, project, n, list(state.fields)),
        "changelog": {"id": str(state.next_changelog), "items": items},
    }
