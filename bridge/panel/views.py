"""What the pages show, computed from the domain objects (pure functions, no Flask)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from worker.model import SOURCE_LABELS, Board, Schedule, SyncField, source_type

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

JIRA_TYPE_LABELS = {"number": "Number field", "string": "Text field (single line)"}


@dataclass(frozen=True)
class JiraField:
    id: str
    name: str
    kind: str | None
    """'number', 'string' or None (a type we cannot write); see worker.services.field_types."""
    type: str


def field_dict(field: SyncField) -> dict[str, Any]:
    """A sync field as the `PUT .../fields` body spells it (for panel.js)."""
    return asdict(field)


def schedule_label(schedule: Schedule) -> str:
    """The schedule in the seed's words."""
    if schedule.mode == "custom":
        return (
            f"By custom period: {(schedule.weekday or '').capitalize()}s at {schedule.time} "
            f"({schedule.timezone})"
        )
    return "By sprint end date"


def source_label(board: Board, source: str) -> str:
    """What a source is called in the Add Fields dialog: 'Score', 'Criterion: Reach', ..."""
    if source.startswith("criterion:"):
        cid = source.split(":", 1)[1]
        name = next((c.name for c in board.criteria if c.id == cid), cid)
        return f"Criterion: {name}"
    return SOURCE_LABELS[source]


def all_sources(board: Board) -> list[str]:
    """Every field the board can sync, in the seed's order."""
    return [*SOURCE_LABELS, *(f"criterion:{c.id}" for c in board.criteria)]


def addable_sources(board: Board) -> list[dict[str, str]]:
    """Sources not yet in the Sync Back Fields list, with their default names."""
    taken = {f.source for f in board.fields}
    return [
        {
            "source": s,
            "label": source_label(board, s),
            "name": board.default_field_name(s),
            "type": source_type(s),
        }
        for s in all_sources(board)
        if s not in taken
    ]


def jira_fields(board: Board) -> list[JiraField]:
    """Jira's custom fields as the last Refresh saw them (empty until the first Refresh)."""
    raw = (board.preflight or {}).get("jira_fields") or []
    return [
        JiraField(
            id=f["id"], name=f.get("name", f["id"]), kind=f.get("kind"), type=f.get("type", "")
        )
        for f in raw
        if isinstance(f, dict) and "id" in f
    ]


def compatible(field: SyncField, candidates: list[JiraField]) -> list[JiraField]:
    """Jira fields whose type can hold this sync field's values (DESIGN §3)."""
    return sorted((f for f in candidates if f.kind == field.type), key=lambda f: f.name.lower())


def field_rows(board: Board) -> list[dict[str, Any]]:
    """One row per sync field for steps 1 and 2."""
    known = jira_fields(board)
    by_id = {f.id: f for f in known}
    rows = []
    for f in board.fields:
        mapped = by_id.get(f.tracker_field) if f.tracker_field else None
        rows.append(
            {
                "field": f,
                "label": source_label(board, f.source),
                "type_label": JIRA_TYPE_LABELS[f.type],
                "mapped_name": mapped.name if mapped else None,
                "candidates": compatible(f, known),
            }
        )
    return rows


@cache
def timezone_groups() -> list[tuple[str, list[str]]]:
    """IANA zones grouped by region for the timezone picker ('UTC' and friends under 'Other')."""
    groups: dict[str, list[str]] = defaultdict(list)
    for zone in available_timezones():
        if zone.startswith(("Etc/", "SystemV/")) or zone in ("localtime", "Factory"):
            continue
        region = zone.split("/", 1)[0] if "/" in zone else "Other"
        groups[region].append(zone)
    return [(region, sorted(zones)) for region, zones in sorted(groups.items())]


def run_duration(run: dict[str, Any]) -> str | None:
    """'12.3 s' between start and finish, when both are known."""
    from datetime import datetime

    start, end = run.get("started_at"), run.get("finished_at")
    if not start or not end:
        return None
    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return f"{seconds:.1f} s"


STATE_LOZENGES = {
    "queued": "default",
    "running": "inprogress",
    "succeeded": "success",
    "partial": "moved",
    "failed": "removed",
}
"""Jira's lozenge colours for run states."""
