"""Raw stored values -> Jira's REST JSON for issues (IssueBean) and field selection."""

from __future__ import annotations

from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.dataset import ISSUE_TYPES, PRIORITIES, RESOLUTIONS, SPRINT, STATUSES
from tests.jira_sim.server_info import user_json
from tests.jira_sim.state import Project, SimState

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
_CATEGORY = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}


def select_fields(state: SimState, specs: list[str] | None, default: str) -> list[str]:
    """Expand a `fields` selection (`*all`, `*navigable`, ids, `-id`) into field ids."""
    tokens = [t.strip() for spec in (specs or [default]) for t in spec.split(",") if t.strip()]
    chosen: list[str] = []
    excluded = set()
    for token in tokens or [default]:
        if token in ("*all", "*navigable"):
            chosen.extend(state.fields)
        elif token.startswith("-"):
            excluded.add(token[1:])
        elif token in state.fields:
            chosen.append(token)
    seen: set[str] = set()
    return [f for f in chosen if f not in excluded and not (f in seen or seen.add(f))]


def render_value(state: SimState, base_url: str, field_id: str, raw: Any) -> Any:
    """One field's raw value as Jira renders it in REST."""
    if raw is None:
        return None
    if field_id == "issuetype":
        name, description = ISSUE_TYPES[raw]
        return {
            "self": f"{base_url}/rest/api/2/issuetype/{raw}",
            "id": raw,
            "name": name,
            "description": description,
            "subtask": False,
            "iconUrl": f"{base_url}/images/icons/issuetypes/{name.lower()}.svg",
        }
    if field_id == "status":
        status = STATUSES[raw]
        cat_id, cat_name, colour = _CATEGORY[status.category]
        return {
            "self": f"{base_url}/rest/api/2/status/{raw}",
            "id": raw,
            "name": status.name,
            "description": "",
            "iconUrl": f"{base_url}/images/icons/statuses/generic.png",
            "statusCategory": {
                "self": f"{base_url}/rest/api/2/statuscategory/{cat_id}",
                "id": cat_id,
                "key": status.category,
                "colorName": colour,
                "name": cat_name,
            },
        }
    if field_id == "priority":
        return {
            "self": f"{base_url}/rest/api/2/priority/{raw}",
            "id": raw,
            "name": PRIORITIES[raw],
            "iconUrl": f"{base_url}/images/icons/priorities/{PRIORITIES[raw].lower()}.svg",
        }
    if field_id == "resolution":
        name, description = RESOLUTIONS[raw]
        return {"self": f"{base_url}/rest/api/2/resolution/{raw}", "id": raw, "name": name,
                "description": description}  # fmt: skip
    if field_id == "project":
        project = state.projects[raw]
        return {
            "self": f"{base_url}/rest/api/2/project/{project.id}",
            "id": str(project.id),
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
        }
    if field_id in ("assignee", "reporter"):
        user = state.users.get(raw)
        return user_json(base_url, user) if user else None
    if field_id == SPRINT:
        return [sprint_string(state, raw)] if raw in state.sprints else None
    return raw


def sprint_string(state: SimState, sprint_id: int) -> str:
    """Server's REST v2 renders the Sprint field as the Java toString of the sprint."""
    s = state.sprints[sprint_id]
    # Java prints nulls as <null> (captures in CognizantOneDevOps/Insights#114, rudiedirkx/jira#52).
    start, end, done, goal = (v or "<null>" for v in (s.start, s.end, s.complete, s.goal))
    return (
        f"com.atlassian.greenhopper.service.sprint.Sprint@{sprint_id:x}[id={s.id},"
        f"rapidViewId={s.board_id},state={s.state.upper()},name={s.name},startDate={start},"
        f"endDate={end},completeDate={done},sequence={s.id},goal={goal}]"
    )


def issue_json(
    state: SimState, base_url: str, project: Project, n: int, field_ids: list[str]
) -> dict[str, Any]:
    """IssueBean with the wanted fields."""
    issue_id = str(issue_store.issue_id(project, n))
    values = issue_store.raw_fields(state, project, n, field_ids)
    return {
        "expand": ISSUE_EXPAND,
        "id": issue_id,
        "self": f"{base_url}/rest/api/2/issue/{issue_id}",
        "key": f"{project.key}-{n}",
        "fields": {fid: render_value(state, base_url, fid, raw) for fid, raw in values.items()},
    }


def display_string(raw: Any) -> str | None:
    """How a changelog shows a value (`fromString`/`toString`)."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, list):
        return " ".join(map(str, raw))
    return str(raw)
