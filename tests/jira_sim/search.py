"""GET/POST /rest/api/2/search: JQL over the issue index, paging with the 1000 cap (§4.2)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from tests.jira_sim.jql import JqlError, parse
from tests.jira_sim.jql_eval import Compiler
from tests.jira_sim.render import issue_json, select_fields
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Project, SimState
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()

DEFAULT_PAGE = 50
MAX_PAGE = 1000  # jira.search.views.default.max: larger requests are silently reduced
_SEARCH_KEYS = {
    "jql",
    "startAt",
    "maxResults",
    "fields",
    "expand",
    "validateQuery",
    "properties",
    "fieldsByKeys",
}
_CACHE_SIZE = 16


class Matches(Sequence):
    """Search results held as an array of issue ids (8 bytes each), read as (project, n)."""

    def __init__(self, state: SimState, found: list[tuple[Project, int]]) -> None:
        self._projects = sorted(state.projects.values(), key=lambda p: p.id_base)
        self._ids = array("q", (p.id_base + n for p, n in found))

    def _pair(self, issue_id: int) -> tuple[Project, int]:
        project = next(p for p in reversed(self._projects) if p.id_base < issue_id)
        return project, issue_id - project.id_base

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[tuple[Project, int]]:
        return (self._pair(i) for i in self._ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._pair(i) for i in self._ids[index]]
        return self._pair(self._ids[index])


def ordered_matches(sim: Any, jql: str, user: str, validate: bool = True) -> Matches:
    """All matching (project, n) in JQL order (caller holds the lock).

    Cached until a write touches a field the query filters or sorts on, so paging through
    100,000 issues sorts once, even while the client writes other fields between pages.
    """
    state = sim.state
    cache_key = (jql.strip(), validate)
    cached = state.search_cache.get(cache_key)
    if cached is not None:
        return cached[0]
    try:
        query = parse(jql)
        compiler = Compiler(state, user, validate)
        compiled = compiler.compile(query)
    except JqlError as exc:
        raise JiraHttpError(400, str(exc)) from None
    predicate = compiled.predicate
    found = [pn for pn in compiled.candidates() if predicate is None or predicate(*pn)]
    if query.order_by or compiled.keys is None:
        found.sort(key=compiled.sort_key)
    matches = Matches(state, found)
    if len(state.search_cache) >= _CACHE_SIZE:
        state.search_cache.clear()
    # currentUser() and relative dates (-1d) make a result depend on caller or clock: not cached.
    if not compiler.volatile:
        state.search_cache[cache_key] = (matches, compiler.used)
    return matches


def page(
    sim: Any,
    user: str,
    jql: str,
    start: int,
    size: int | None,
    fields: list[str] | None,
    validate: bool = True,
    expand: set[str] | None = None,
) -> dict[str, Any]:
    """One search page; `maxResults` in the answer is the page size actually used."""
    if start < 0:
        raise JiraHttpError(400, "The 'startAt' parameter must not be negative.")
    size = DEFAULT_PAGE if size is None or size < 0 else min(size, MAX_PAGE)
    with sim.lock:
        state = sim.state
        found = ordered_matches(sim, jql, user, validate)
        wanted = select_fields(state, fields, "*navigable")
        chunk = found[start : start + size]
        issues = [issue_json(state, sim.base_url, p, n, wanted) for p, n in chunk]
        result = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(found),
            "issues": issues,
        }
        if expand and "names" in expand:
            result["names"] = {f: state.fields[f].name for f in wanted}
        if expand and "schema" in expand:
            result["schema"] = {f: dict(state.fields[f].schema) for f in wanted}
    return result


def _validate_flag(raw: Any) -> bool:
    return str(raw).lower() not in ("false", "none", "warn")


@routes.get("/rest/api/2/search")
def search_get(sim: Any, request: Request) -> Response:
    """Search with query parameters."""
    size = request.arg("maxResults")
    body = page(
        sim,
        request.user.name,
        request.arg("jql", "") or "",
        request.int_arg("startAt", 0),
        request.int_arg("maxResults", DEFAULT_PAGE) if size not in (None, "") else None,
        request.query.get("fields"),
        _validate_flag(request.arg("validateQuery", "true")),
        {e for spec in request.query.get("expand", []) for e in spec.split(",")},
    )
    return json_response(body)


@routes.post("/rest/api/2/search")
def search_post(sim: Any, request: Request) -> Response:
    """Search with a SearchRequestBean body."""
    body = request.json_object()
    unknown = sorted(set(body) - _SEARCH_KEYS)
    if unknown:
        raise JiraHttpError(
            400,
            f'Unrecognized field "{unknown[0]}" (Class com.atlassian.jira.rest.v2.search.'
            "SearchRequestBean), not marked as ignorable",
        )
    fields = body.get("fields")
    if fields is not None and (
        not isinstance(fields, list) or not all(isinstance(f, str) for f in fields)
    ):
        raise JiraHttpError(400, "'fields' must be an array of strings.")
    for name in ("startAt", "maxResults"):
        value = body.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise JiraHttpError(400, f"'{name}' must be an integer.")
    jql = body.get("jql") or ""
    if not isinstance(jql, str):
        raise JiraHttpError(400, "'jql' must be a string.")
    result = page(
        sim,
        request.user.name,
        jql,
        body.get("startAt") or 0,
        body.get("maxResults"),
        [",".join(fields)] if fields else None,
        _validate_flag(body.get("validateQuery", True)),
        set(body.get("expand") or []) if isinstance(body.get("expand"), list) else None,
    )
    return json_response(result)
