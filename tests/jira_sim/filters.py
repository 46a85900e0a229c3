"""GET/PUT /rest/api/2/filter/{id}: the board filter whose JQL orders the board (§5.2)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.jql import JqlError, parse
from tests.jira_sim.jql_eval import Compiler
from tests.jira_sim.routing import Routes
from tests.jira_sim.server_info import user_json
from tests.jira_sim.state import Filter, SimState
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()


def filter_or_404(state: SimState, raw: str) -> Filter:
    """The filter, or 404."""
    found = state.filters.get(int(raw)) if raw.isdigit() else None
    if found is None:
        raise JiraHttpError(
            404,
            "The selected filter is not available to you, perhaps it has been deleted or had its "
            "permissions changed.",
        )
    return found


def filter_json(sim: Any, item: Filter, user: Any) -> dict[str, Any]:
    """FilterBean."""
    base = sim.base_url
    owner = sim.state.users[item.owner]
    return {
        "self": f"{base}/rest/api/2/filter/{item.id}",
        "id": str(item.id),
        "name": item.name,
        "description": item.description,
        "owner": user_json(base, owner),
        "jql": item.jql,
        "viewUrl": f"{base}/issues/?filter={item.id}",
        "searchUrl": f"{base}/rest/api/2/search?jql={item.jql.replace(' ', '+')}",
        "favourite": False,
        "sharePermissions": [{"id": 10000 + item.id, "type": "global"}],
        "editable": user.admin or user.name == item.owner,
        "sharedUsers": {
            "size": 0,
            "items": [],
            "max-results": 1000,
            "start-index": 0,
            "end-index": 0,
        },
        "subscriptions": {
            "size": 0,
            "items": [],
            "max-results": 1000,
            "start-index": 0,
            "end-index": 0,
        },
    }


@routes.get("/rest/api/2/filter/{id}")
def get_filter(sim: Any, request: Request) -> Response:
    """One filter."""
    with sim.lock:
        return json_response(
            filter_json(sim, filter_or_404(sim.state, request.params["id"]), request.user)
        )


@routes.put("/rest/api/2/filter/{id}")
def update_filter(sim: Any, request: Request) -> Response:
    """Change name, description or JQL (owner or admin); the JQL must be valid."""
    body = request.json_object()
    with sim.lock:
        state = sim.state
        item = filter_or_404(state, request.params["id"])
        if not (request.user.admin or request.user.name == item.owner):
            # The spec documents only 400 for a refused update [unverified message].
            raise JiraHttpError(400, "You do not have permission to edit this filter.")
        name = body.get("name", item.name)
        jql = body.get("jql", item.jql)
        description = body.get("description", item.description)
        if not isinstance(name, str) or not name.strip():
            raise JiraHttpError(
                400, errors={"filterName": "You must specify a name to save this filter as."}
            )
        if not isinstance(jql, str):
            raise JiraHttpError(400, errors={"jql": "The JQL must be a string."})
        try:
            Compiler(state, request.user.name).compile(parse(jql))
        except JqlError as exc:
            raise JiraHttpError(400, errors={"jql": str(exc)}) from None
        item.name, item.jql, item.description = name, jql, description or ""
        body = filter_json(sim, item, request.user)
    sim.webhooks.emit("filter_updated", {"filter": body})
    return json_response(body)
