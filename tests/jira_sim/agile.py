"""Agile REST /rest/agile/1.0: boards, configuration, sprints, board issues/backlog (§5.1)."""

from __future__ import annotations

import re
from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.dataset import RANK, SP, SPRINT, STATUSES
from tests.jira_sim.render import issue_json, select_fields
from tests.jira_sim.routing import Routes
from tests.jira_sim.search import DEFAULT_PAGE, MAX_PAGE, ordered_matches
from tests.jira_sim.state import Board, SimState, Sprint
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()


def board_or_404(state: SimState, raw: str) -> Board:
    """The board, or 404 as Jira answers for a missing or hidden board."""
    board = state.boards.get(int(raw)) if raw.isdigit() else None
    if board is None:
        raise JiraHttpError(404, "Board does not exist or you do not have permission to see it.")
    return board


def board_json(sim: Any, board: Board) -> dict[str, Any]:
    """BoardBean with the project `location` DC adds."""
    project = sim.state.projects.get(board.project_key)
    body: dict[str, Any] = {
        "id": board.id,
        "self": f"{sim.base_url}/rest/agile/1.0/board/{board.id}",
        "name": board.name,
        "type": board.type,
    }
    if project is not None:
        body["location"] = {
            "projectId": project.id,
            "projectKey": project.key,
            "projectName": project.name,
            "displayName": f"{project.name} ({project.key})",
            "projectTypeKey": "software",
            "avatarURI": f"/secure/projectavatar?size=xsmall&pid={project.id}",
            "name": project.name,
        }
    return body


def sprint_json(sim: Any, sprint: Sprint) -> dict[str, Any]:
    """SprintBean; dates only when set."""
    body: dict[str, Any] = {
        "id": sprint.id,
        "self": f"{sim.base_url}/rest/agile/1.0/sprint/{sprint.id}",
        "state": sprint.state,
        "name": sprint.name,
        "originBoardId": sprint.board_id,
        "goal": sprint.goal,
    }
    for key, value in (
        ("startDate", sprint.start),
        ("endDate", sprint.end),
        ("activatedDate", sprint.start),
        ("completeDate", sprint.complete),
    ):
        if value and not (key == "activatedDate" and sprint.state == "future"):
            body[key] = value
    return body


def paged(values: list, start: int, size: int) -> dict[str, Any]:
    """An agile page: maxResults, startAt, total, isLast, values."""
    chunk = values[start : start + size]
    return {
        "maxResults": size,
        "startAt": start,
        "total": len(values),
        "isLast": start + len(chunk) >= len(values),
        "values": chunk,
    }


def _page_args(request: Request) -> tuple[int, int]:
    start = max(0, request.int_arg("startAt", 0))
    size = request.int_arg("maxResults", DEFAULT_PAGE)
    return start, DEFAULT_PAGE if size <= 0 else min(size, MAX_PAGE)


@routes.get("/rest/agile/1.0/board")
def list_boards(sim: Any, request: Request) -> Response:
    """Boards filtered by type, name and project."""
    start, size = _page_args(request)
    types = {t for t in (request.arg("type") or "").split(",") if t}
    name = (request.arg("name") or "").lower()
    project = (request.arg("projectKeyOrId") or "").upper()
    with sim.lock:
        boards = [
            board_json(sim, b)
            for b in sim.state.boards.values()
            if (not types or b.type in types)
            and name in b.name.lower()
            and (
                not project or project in (b.project_key, str(sim.state.projects[b.project_key].id))
            )
        ]
    return json_response(paged(boards, start, size))


@routes.get("/rest/agile/1.0/board/{board}")
def get_board(sim: Any, request: Request) -> Response:
    """One board."""
    with sim.lock:
        return json_response(board_json(sim, board_or_404(sim.state, request.params["board"])))


def configuration_json(sim: Any, board: Board) -> dict[str, Any]:
    """BoardConfigBean: filter, columns, estimation, ranking."""
    base = sim.base_url
    columns = [
        {
            "name": c["name"],
            "statuses": [{"id": s, "self": f"{base}/rest/api/2/status/{s}"} for s in c["statuses"]],
        }
        for c in board.columns
    ]
    body: dict[str, Any] = {
        "id": board.id,
        "name": board.name,
        "type": board.type,
        "self": f"{base}/rest/agile/1.0/board/{board.id}/configuration",
        "filter": {
            "id": str(board.filter_id),
            "self": f"{base}/rest/api/2/filter/{board.filter_id}",
        },
        "columnConfig": {"columns": columns, "constraintType": "none"},
        "ranking": {"rankCustomFieldId": int(RANK.split("_")[1])},
    }
    if board.type == "kanban":
        body["subQuery"] = {"query": "resolution = EMPTY OR resolution changed AFTER -2w"}
    else:
        body["estimation"] = {
            "type": "field",
            "field": {"fieldId": SP, "displayName": "Story Points"},
        }
    return body


@routes.get("/rest/agile/1.0/board/{board}/configuration")
def board_configuration(sim: Any, request: Request) -> Response:
    """The board's configuration (read-only on DC)."""
    with sim.lock:
        board = board_or_404(sim.state, request.params["board"])
        return json_response(configuration_json(sim, board))


_ORDER = {"closed": 0, "active": 1, "future": 2}


@routes.get("/rest/agile/1.0/board/{board}/sprint")
def board_sprints(sim: Any, request: Request) -> Response:
    """Sprints ordered closed, active, future; kanban boards have none (400)."""
    start, size = _page_args(request)
    states = {s for s in (request.arg("state") or "").split(",") if s}
    bad = states - set(_ORDER)
    if bad:
        raise JiraHttpError(400, f"The sprint state '{sorted(bad)[0]}' is not valid.")
    with sim.lock:
        board = board_or_404(sim.state, request.params["board"])
        if board.type != "scrum":
            raise JiraHttpError(400, "The board does not support sprints")
        sprints = sorted(
            (s for s in sim.state.sprints.values() if s.board_id == board.id),
            key=lambda s: (_ORDER[s.state], s.id),
        )
        values = [sprint_json(sim, s) for s in sprints if not states or s.state in states]
    return json_response(paged(values, start, size))


def sprint_or_404(state: SimState, raw: str) -> Sprint:
    """The sprint, or 404."""
    sprint = state.sprints.get(int(raw)) if raw.isdigit() else None
    if sprint is None:
        raise JiraHttpError(404, f"Sprint with id {raw} does not exist")
    return sprint


@routes.get("/rest/agile/1.0/sprint/{sprint}")
def get_sprint(sim: Any, request: Request) -> Response:
    """One sprint."""
    with sim.lock:
        return json_response(sprint_json(sim, sprint_or_404(sim.state, request.params["sprint"])))


def board_issue_page(sim: Any, request: Request, backlog: bool) -> Response:
    """Issues of the board's filter (optionally AND jql), in filter order."""
    start, size = _page_args(request)
    extra = request.arg("jql")
    with sim.lock:
        state = sim.state
        board = board_or_404(state, request.params["board"])
        jql = state.filters[board.filter_id].jql
        if extra:
            head, *order = re.split(r"\s+order\s+by\s+", jql, maxsplit=1, flags=re.IGNORECASE)
            where = f"({extra}) AND ({head})" if head.strip() else extra
            jql = where + (f" ORDER BY {order[0]}" if order else "")
        found = ordered_matches(sim, jql, request.user.name)
        if backlog:
            open_sprints = {s.id for s in state.sprints.values() if s.state != "closed"}
            found = [
                (p, n)
                for p, n in found
                if issue_store.value(state, p, n, SPRINT) not in open_sprints
                and STATUSES[issue_store.value(state, p, n, "status")].category != "done"
            ]
        wanted = select_fields(state, request.query.get("fields"), "*navigable")
        issues = [
            issue_json(state, sim.base_url, p, n, wanted) for p, n in found[start : start + size]
        ]
    return json_response(
        {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(found),
            "issues": issues,
        }
    )


@routes.get("/rest/agile/1.0/board/{board}/issue")
def board_issues(sim: Any, request: Request) -> Response:
    """All issues of the board."""
    return board_issue_page(sim, request, backlog=False)


@routes.get("/rest/agile/1.0/board/{board}/backlog")
def board_backlog(sim: Any, request: Request) -> Response:
    """Issues not in an open sprint and not done."""
    return board_issue_page(sim, request, backlog=True)
