"""Screens, tabs and tab fields, addToDefault (jira-server-api.md §3; admin only, 401 otherwise)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.auth import require_admin
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Screen, SimState, Tab
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content

routes = Routes()
_NOT_ADMIN = "You are not authorized to perform this action. Administrator privileges are required."


def _admin(request: Request) -> None:
    require_admin(request, _NOT_ADMIN, status=401)


def _screen(state: SimState, raw: str) -> Screen:
    screen = state.screens.get(int(raw)) if raw.isdigit() else None
    if screen is None:
        raise JiraHttpError(400, f"Screen with id {raw} does not exist")
    return screen


def _tab(screen: Screen, raw: str) -> Tab:
    tab = next((t for t in screen.tabs if str(t.id) == raw), None)
    if tab is None:
        raise JiraHttpError(400, f"Tab with id {raw} does not exist on screen {screen.id}")
    return tab


def _screenable(state: SimState, field_id: str) -> dict[str, Any]:
    field = state.fields[field_id]
    return {"id": field.id, "name": field.name, "type": "custom" if field.custom else "system"}


@routes.get("/rest/api/2/screens")
def list_screens(sim: Any, request: Request) -> Response:
    """All screens; a bare array on 10.x, a page on 9.x."""
    _admin(request)
    with sim.lock:
        beans = [
            {"id": s.id, "name": s.name, "description": s.description}
            for s in sim.state.screens.values()
        ]
        version = sim.state.major
    if version >= 10:
        # 10.3: a bare array (jira.js, live-tested on DC 10.3; reference §3).
        return json_response(beans)
    # 9.x: no primary source; served as a page so clients must cope with both [unverified].
    start = max(0, request.int_arg("startAt", 0))
    size = request.int_arg("maxResults", 100)
    size = 100 if size <= 0 else size
    chunk = beans[start : start + size]
    return json_response(
        {"startAt": start, "maxResults": size, "total": len(beans),
         "isLast": start + len(chunk) >= len(beans), "values": chunk}
    )  # fmt: skip


@routes.get("/rest/api/2/screens/{screen}/tabs")
def list_tabs(sim: Any, request: Request) -> Response:
    """Tabs of a screen."""
    _admin(request)
    with sim.lock:
        screen = _screen(sim.state, request.params["screen"])
        return json_response([{"id": t.id, "name": t.name} for t in screen.tabs])


@routes.post("/rest/api/2/screens/{screen}/tabs")
def add_tab(sim: Any, request: Request) -> Response:
    """Add a tab."""
    _admin(request)
    body = request.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise JiraHttpError(400, errors={"name": "Tab name cannot be empty."})
    with sim.lock:
        state = sim.state
        screen = _screen(state, request.params["screen"])
        if any(t.name == name for t in screen.tabs):
            raise JiraHttpError(
                400, errors={"name": f"Screen already contains tab named '{name}'."}
            )
        tab = Tab(state.next_tab_id, name)
        state.next_tab_id += 1
        screen.tabs.append(tab)
        return json_response({"id": tab.id, "name": tab.name})


@routes.get("/rest/api/2/screens/{screen}/tabs/{tab}/fields")
def list_tab_fields(sim: Any, request: Request) -> Response:
    """Fields on a tab."""
    _admin(request)
    with sim.lock:
        state = sim.state
        tab = _tab(_screen(state, request.params["screen"]), request.params["tab"])
        return json_response([_screenable(state, fid) for fid in tab.fields])


def add_to_tab(state: SimState, screen: Screen, tab: Tab, field_id: Any) -> dict[str, Any]:
    """Add a field to a tab; 400 for an unknown field or one already on the screen."""
    if not isinstance(field_id, str) or field_id not in state.fields:
        raise JiraHttpError(400, errors={"fieldId": f"Field with id '{field_id}' does not exist."})
    if field_id in screen.field_ids():
        raise JiraHttpError(
            400, errors={"fieldId": f"Field with id '{field_id}' already exists on the screen."}
        )
    tab.fields.append(field_id)
    return _screenable(state, field_id)


@routes.post("/rest/api/2/screens/{screen}/tabs/{tab}/fields")
def add_tab_field(sim: Any, request: Request) -> Response:
    """Add a field to a tab."""
    _admin(request)
    body = request.json_object()
    with sim.lock:
        state = sim.state
        screen = _screen(state, request.params["screen"])
        tab = _tab(screen, request.params["tab"])
        return json_response(add_to_tab(state, screen, tab, body.get("fieldId")))


@routes.delete("/rest/api/2/screens/{screen}/tabs/{tab}/fields/{field}")
def remove_tab_field(sim: Any, request: Request) -> Response:
    """Remove a field from a tab."""
    _admin(request)
    with sim.lock:
        tab = _tab(_screen(sim.state, request.params["screen"]), request.params["tab"])
        field_id = request.params["field"]
        if field_id not in tab.fields:
            raise JiraHttpError(400, f"Field with id '{field_id}' is not on this tab.")
        tab.fields.remove(field_id)
    return no_content()


@routes.get("/rest/api/2/screens/{screen}/availableFields")
def available_fields(sim: Any, request: Request) -> Response:
    """Fields not yet on the screen."""
    _admin(request)
    with sim.lock:
        state = sim.state
        on_screen = set(_screen(state, request.params["screen"]).field_ids())
        beans = [_screenable(state, f) for f in state.fields if f not in on_screen]
    return json_response(beans)


@routes.post("/rest/api/2/screens/addToDefault/{field}")
def add_to_default(sim: Any, request: Request) -> Response:
    """Adds to the first tab of screen 1 only; project screens are untouched (§3, §10.4)."""
    _admin(request)
    with sim.lock:
        state = sim.state
        screen = state.screens.get(1)
        if screen is None or not screen.tabs:
            raise JiraHttpError(400, "The default screen does not exist.")
        add_to_tab(state, screen, screen.tabs[0], request.params["field"])
    return no_content()
