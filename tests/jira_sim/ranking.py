"""PUT /rest/agile/1.0/issue/rank: move up to 50 issues before/after another (reference §4.3).

Rank values keep Jira's LexoRank look (`0|i0000012:`) and order as plain strings: generated
issues get `0|i<7-digit number>:`, moved issues a digit fraction after the colon, chosen by
fractional indexing so that any number of moves fits between two neighbours.
"""

from __future__ import annotations

from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.dataset import RANK
from tests.jira_sim.issues import issue_updated_event
from tests.jira_sim.routing import Routes
from tests.jira_sim.search import ordered_matches
from tests.jira_sim.state import Project, SimState
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response, no_content

routes = Routes()
MAX_ISSUES = 50


def midpoint(a: str, b: str | None) -> str:
    """A digit string strictly between fractions `a` and `b` (None: 1); no trailing zeros."""
    if b is not None:
        common = 0
        while common < len(b) and (a[common] if common < len(a) else "0") == b[common]:
            common += 1
        if common:
            return b[:common] + midpoint(a[common:], b[common:])
    low = int(a[0]) if a else 0
    high = int(b[0]) if b is not None else 10
    if high - low > 1:
        return str((low + high) // 2)
    if b is not None and len(b) > 1:
        return b[:1]
    return str(low) + midpoint(a[1:], None)


def _split(rank: str) -> tuple[int, str]:
    whole, _, fraction = rank[3:].partition(":")
    return int(whole), fraction


def between(low: str | None, high: str | None) -> str:
    """A rank strictly between two ranks (None: the top or the bottom of the board)."""
    lo_int, lo_frac = _split(low) if low else (0, "")
    if high is None:
        return f"0|i{lo_int + 1:07d}:"
    hi_int, hi_frac = _split(high)
    fraction = midpoint(lo_frac, hi_frac if lo_int == hi_int else None)
    return f"0|i{lo_int:07d}:{fraction}"


def _moved_ranks(sim: Any, project: Project, target: int, moving: set, before: bool) -> list[str]:
    state: SimState = sim.state
    ranked = ordered_matches(sim, f"project = {project.key} ORDER BY Rank ASC", "admin")
    order = [pn for pn in ranked if pn not in moving or pn == (project, target)]
    index = order.index((project, target))
    target_rank = issue_store.value(state, project, target, RANK)
    if before:
        low = issue_store.value(state, *order[index - 1], RANK) if index > 0 else None
        high = target_rank
    else:
        low = target_rank
        after = order[index + 1] if index + 1 < len(order) else None
        high = issue_store.value(state, *after, RANK) if after else None
    ranks, current = [], low
    for _ in moving:
        current = between(current, high)
        ranks.append(current)
    return ranks


@routes.put("/rest/agile/1.0/issue/rank")
def rank_issues(sim: Any, request: Request) -> Response:
    """Rank issues before or after another; 207 when some are unknown."""
    body = request.json_object()
    keys = body.get("issues")
    before, after = body.get("rankBeforeIssue"), body.get("rankAfterIssue")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise JiraHttpError(400, errors={"issues": "A list of issue keys or ids is required."})
    if len(keys) > MAX_ISSUES:
        message = f"At most {MAX_ISSUES} issues can be ranked at once."
        raise JiraHttpError(400, errors={"issues": message})
    if (before is None) == (after is None):
        raise JiraHttpError(400, "Exactly one of rankBeforeIssue and rankAfterIssue is required.")
    field_id = body.get("rankCustomFieldId")
    if field_id is not None and f"customfield_{field_id}" != RANK:
        raise JiraHttpError(400, errors={"rankCustomFieldId": f"{field_id} is not a Rank field."})
    with sim.lock:
        state = sim.state
        target = issue_store.locate(state, str(before or after))
        if target is None:
            raise JiraHttpError(400, f"Issue {before or after} does not exist.")
        found = {k: issue_store.locate(state, k) for k in keys}
        moving = list(dict.fromkeys(pn for pn in found.values() if pn and pn != target))
        ranks = _moved_ranks(sim, target[0], target[1], set(moving), before is not None)
        now = issue_store.now_timestamp()
        events = []
        for (project, n), rank in zip(moving, ranks, strict=True):
            old = issue_store.value(state, project, n, RANK)
            issue_store.write(state, project, n, {RANK: rank}, now)
            if sim.webhooks.wants("jira:issue_updated"):
                # Server's changelog for a rank change (field name, no values).
                moved = "Ranked higher" if rank < old else "Ranked lower"
                item = {"field": "Rank", "fieldtype": "custom", "from": "", "fromString": "",
                        "to": "", "toString": moved}  # fmt: skip
                events.append(issue_updated_event(sim, request.user, project, n, [item]))
        sim.stats.add("issue_writes", len(moving))
        entries = [_entry(key, pn) for key, pn in found.items()]
    for event in events:
        sim.webhooks.emit("jira:issue_updated", event)
    if all(e["status"] == 200 for e in entries):
        return no_content()
    return json_response({"entries": entries}, 207)


def _entry(key: str, found: tuple[Project, int] | None) -> dict[str, Any]:
    """One PartialSuccessBean entry; an unknown issue has no issueId."""
    if found is None:
        return {"issueKey": key, "status": 404, "errors": [f"Issue {key} does not exist."]}
    return {"issueId": issue_store.issue_id(*found), "issueKey": key, "status": 200}
