"""What the pages show, computed from the domain objects (pure functions, no Flask)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from worker.model import SOURCE_LABELS, Board, Schedule, SyncField, criterion_id, source_type
from worker.scheduling import ScheduleError, next_custom_slot, zone

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


STEPS = (
    "Choose fields to sync",
    "Create custom fields in Jira",
    "Add custom fields to the board",
    "Activate Sync Back",
)
"""The seed's four steps, in its words."""


def steps_done(board: Board) -> dict[int, bool]:
    """Which of the four steps are complete (1-based, as the seed numbers them)."""
    applied = bool(board.board_config and board.board_config.get("applied_at"))
    return {
        1: bool(board.fields),
        2: bool(board.fields) and all(f.tracker_field for f in board.fields),
        3: applied,
        4: board.active,
    }


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
    cid = criterion_id(source)
    if cid is not None:
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
    fresh = preflight_state(board) in ("ok", "problems")  # judged these very mappings
    report = board.preflight or {}
    checked = [c for c in report.get("checked") or [] if c.get("editable")] if fresh else []
    rows = []
    for f in board.fields:
        mapped = by_id.get(f.tracker_field) if f.tracker_field else None
        where = [
            (f"{c['project']} · {c['issue_type']}", f.tracker_field in c["fields"]) for c in checked
        ]
        rows.append(
            {
                "field": f,
                "label": source_label(board, f.source),
                "type_label": JIRA_TYPE_LABELS[f.type],
                "mapped_name": mapped.name if mapped else None,
                "candidates": compatible(f, known),
                # From the last Refresh: on the edit screen of which project · issue type.
                "editable_on": [w for w, ok in where if ok] if f.tracker_field else [],
                "missing_on": [w for w, ok in where if not ok] if f.tracker_field else [],
            }
        )
    return rows


@cache
def timezone_groups() -> list[tuple[str, list[str]]]:
    """IANA zones grouped by region for the timezone picker ('UTC' and friends under 'Other')."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in available_timezones():
        if name in ("localtime", "Factory", "posixrules"):  # not zones a person would choose
            continue
        region = name.split("/", 1)[0] if "/" in name else "Other"
        groups[region].append(name)
    return [(region, sorted(zones)) for region, zones in sorted(groups.items())]


def run_duration(run: dict[str, Any]) -> str | None:
    """'12.3 s' between start and finish, when both are known."""
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


JIRA_ADMIN_PAGES = {
    "custom_fields": (
        "/secure/admin/ViewCustomFields.jspa",
        "Administration → Issues → Custom fields",
    ),
    "screens": ("/secure/admin/ViewFieldScreens.jspa", "Administration → Issues → Screens"),
    "boards": ("/secure/ManageRapidViews.jspa", "Boards → View all boards"),
    "workflows": (
        "/secure/admin/workflows/ListWorkflows.jspa",
        "Administration → Issues → Workflows",
    ),
}
"""Where in Jira each kind of problem is fixed (paths of Jira Server/DC 9 and 10)."""

PROBLEM_FIXES = {
    "not_mapped": (None, "Step 2: click Create in Jira, or choose a Tracker Field and Save."),
    "missing": ("custom_fields", "The field was deleted in Jira: map another one in Step 2."),
    "wrong_type": ("custom_fields", "Map a field of the right type in Step 2, or Create in Jira."),
    "not_on_screen": (
        "screens",
        "Add the field to the edit screens of that project (Configure screen → add field), "
        "or click Create in Jira, which adds mapped fields to the screens.",
    ),
    "board_missing": ("boards", "Check the Jira board id of this board."),
    "scope_invalid": (None, "Fix this board's project keys or extra JQL."),
    "not_editable": ("workflows", "Issues in this status are not editable (workflow property)."),
    "four_byte_name": (
        "custom_fields",
        "If Jira's database is MySQL with utf8, choose “With the board id instead” (Step 1).",
    ),
}


def problem_fix(problem: dict[str, Any], jira_url: str | None) -> dict[str, str | None]:
    """What to do about a preflight problem, and a link to the Jira page where it is fixed."""
    page, text = PROBLEM_FIXES.get(problem.get("code", ""), (None, None))
    link = label = None
    if page:
        path, label = JIRA_ADMIN_PAGES[page]
        link = f"{jira_url}{path}" if jira_url else None
    return {"text": text, "link": link, "label": label}


def preflight_state(board: Board) -> str:
    """'none' (never refreshed), 'stale' (fields or scope changed since), 'ok' or 'problems'."""
    from worker.services.preflight import fingerprint

    report = board.preflight
    if not report or "ok" not in report:
        return "none"
    if report.get("fingerprint") != fingerprint(board):
        return "stale"
    return "ok" if report["ok"] else "problems"


def field_names(board: Board) -> dict[str, str]:
    """Jira field id -> the sync field's name (for changes, errors and card layouts)."""
    names = {f.id: f.name for f in jira_fields(board)}
    names.update({f.tracker_field: f.name for f in board.fields if f.tracker_field})
    return names


def next_sync_label(board: Board, planned: list[datetime], now: datetime) -> str:
    """When the schedule syncs next, for the schedule section."""
    if not board.active:
        return "Nothing is scheduled while Sync Back is off (Step 4)."
    when = min(planned) if planned else None
    if when is None and board.schedule.mode == "custom":
        try:
            when = next_custom_slot(board.schedule, now)
        except ScheduleError:
            return "The schedule is not valid: choose a weekday, time and timezone again."
    if when is None:
        return "At the end of the active sprint, once Jira reports its end date."
    tz = zone(board.schedule.timezone) if board.schedule.mode == "custom" else UTC
    local = when.astimezone(tz)
    text = f"{local:%A %-d %B %Y, %H:%M} {board.schedule.timezone or 'UTC'}"
    return text if tz is UTC else f"{text} ({when.astimezone(UTC):%H:%M} UTC)"
