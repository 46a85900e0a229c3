"""Issues stored compactly: values are generated from the issue number, edits kept as overrides.

100,000 issues cost nothing until they are written (then one small dict per written issue), so
start-up and memory stay flat whatever `--issues` says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.jira_sim.dataset import RANK, SP, SPRINT, STATUSES
from tests.jira_sim.state import Project, SimState

_EPOCH = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
_AREAS = ["Checkout", "Search", "Cart", "Payments", "Catalog", "Login", "Profile", "Shipping"]
_VERBS = ["speed up", "redesign", "fix", "add export to", "localise", "audit", "simplify"]
_POINTS = [None, 1.0, 2.0, 3.0, 5.0, 8.0]


def parse_key(key: str) -> tuple[str, int] | None:
    """('SHOP', 12) from 'SHOP-12', or None."""
    project, _, number = key.upper().rpartition("-")
    if not project or not number.isdigit():
        return None
    return project, int(number)


def locate(state: SimState, key_or_id: str) -> tuple[Project, int] | None:
    """Find an issue by key (`SHOP-12`) or numeric id; None when it does not exist."""
    if key_or_id.isdigit():
        issue_id = int(key_or_id)
        for project in state.projects.values():
            n = issue_id - project.id_base
            if 1 <= n <= project.count:
                return project, n
        return None
    parsed = parse_key(key_or_id)
    if parsed is None:
        return None
    project = state.projects.get(parsed[0])
    if project is None or not 1 <= parsed[1] <= project.count:
        return None
    return project, parsed[1]


def issue_id(project: Project, n: int) -> int:
    """The numeric id of issue n."""
    return project.id_base + n


def _timestamp(n: int) -> str:
    moment = _EPOCH + timedelta(hours=n)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _type(project: Project, n: int) -> str:
    if n % 5 == 0:
        return "10004"
    return "10002" if n % 3 == 0 or project.style == "kanban" else "10001"


def _status(n: int) -> str:
    if n % 25 == 0:
        return "6"
    if n % 7 == 0:
        return "10001"
    return "3" if n % 4 == 0 else "10000"


def _sprint(project: Project, n: int) -> int | None:
    if project.style != "scrum":
        return None
    return 1 if n <= 10 else 2 if n <= 20 else None


_BASE = {
    "summary": lambda p, n: f"{_AREAS[n % 8]}: {_VERBS[(n * 3) % 7]} ({p.key}-{n})",
    "description": lambda p, n: None,
    "issuetype": _type,
    "status": lambda p, n: _status(n),
    "resolution": lambda p, n: "10000" if STATUSES[_status(n)].category == "done" else None,
    "priority": lambda p, n: str(1 + n % 4),
    "assignee": lambda p, n: "dev" if n % 2 else None,
    "reporter": lambda p, n: "admin",
    "labels": lambda p, n: [],
    "created": lambda p, n: _timestamp(n),
    "updated": lambda p, n: _timestamp(n),
    "project": lambda p, n: p.key,
    SP: lambda p, n: _POINTS[n % 6] if p.style == "scrum" else None,
    RANK: lambda p, n: f"0|i{n:07d}:",
    SPRINT: _sprint,
}


def value(state: SimState, project: Project, n: int, field_id: str) -> Any:
    """The issue's current raw value of one field (override, else generated)."""
    edited = state.overrides.get(project.id_base + n)
    if edited is not None and field_id in edited:
        return edited[field_id]
    base = _BASE.get(field_id)
    return base(project, n) if base else None


def raw_fields(state: SimState, project: Project, n: int, wanted: list[str]) -> dict[str, Any]:
    """Raw values of the wanted fields."""
    return {fid: value(state, project, n, fid) for fid in wanted}


def write(state: SimState, project: Project, n: int, changes: dict[str, Any], now: str) -> None:
    """Apply validated raw changes (caller holds the lock)."""
    edited = state.overrides.setdefault(project.id_base + n, {})
    edited.update(changes)
    edited["updated"] = now
    invalidate(state, set(changes) | {"updated"})


def invalidate(state: SimState, changed: set[str]) -> None:
    """Drop cached searches that filter or sort on a changed field (caller holds the lock)."""
    for key, (_, used) in list(state.search_cache.items()):
        if used & changed:
            del state.search_cache[key]


def now_timestamp() -> str:
    """Now, formatted like Jira's timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
