"""The sync field list of a board: built from a `PUT .../fields` body, checked against the
board's criteria and against Jira's field types as seen by the last refresh (DESIGN §3).

The bridge never asks Jira inside a request, so a mapping to an existing Jira field is checked
against `board.preflight["jira_fields"]`, the field list the refresh job stored.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bridge.errors import ValidationError
from worker.model import DEFAULT_SOURCES, Board, SyncField, criterion_id, source_type
from worker.services.field_types import TYPE_LABELS


def _raise(problems: list[dict[str, str]]) -> None:
    if problems:
        raise ValidationError.from_problems(problems)


def jira_fields(board: Board) -> dict[str, dict[str, Any]] | None:
    """Jira's custom fields from the last refresh, by id; None before the first refresh."""
    if not board.preflight or "jira_fields" not in board.preflight:
        return None
    return {f["id"]: f for f in board.preflight["jira_fields"]}


def check_mapping(board: Board, source: str, tracker: str) -> str | None:
    """Why `tracker` cannot receive `source` (None when it can)."""
    known = jira_fields(board)
    if known is None:
        return (
            "Jira's fields are not known yet: run POST /api/boards/"
            f"{board.id}/refresh, then map {tracker}"
        )
    found = known.get(tracker)
    if found is None:
        return f"Jira has no custom field {tracker} (as of the last refresh)"
    wanted = source_type(source)
    if found.get("kind") != wanted:
        return (
            f"{tracker} {found.get('name')!r} is a {found.get('type')}; "
            f"{source} is a {wanted} and needs a {TYPE_LABELS[wanted]}"
        )
    return None


def build_fields(
    board: Board, entries: list[dict[str, Any]], used_elsewhere: dict[str, str] | None = None
) -> tuple[SyncField, ...]:
    """The new field list, or a 400 listing every problem with its JSON path.

    A missing `name` keeps the current name of that source (else the default name); a missing
    `tracker_field` keeps the current mapping of that source, an explicit null removes it.
    """
    existing = {f.source: f for f in board.fields}
    criteria = {c.id for c in board.criteria}
    problems: list[dict[str, str]] = []
    sources: set[str] = set()
    trackers: dict[str, int] = {}
    names: dict[str, int] = {}
    out: list[SyncField] = []
    for i, entry in enumerate(entries):
        path = f"$.fields[{i}]"
        source = entry["source"]
        current = existing.get(source)
        if source in sources:
            problems.append({"path": f"{path}.source", "message": f"{source!r} is listed twice"})
        sources.add(source)
        cid = criterion_id(source)
        if cid is not None and cid not in criteria:
            known = ", ".join(sorted(criteria)) or "none"
            problems.append(
                {
                    "path": f"{path}.source",
                    "message": f"{source!r} names no criterion of this board (criteria: {known})",
                }
            )
            continue
        name = entry.get("name") or (current.name if current else board.default_field_name(source))
        if name in names:
            problems.append(
                {
                    "path": f"{path}.name",
                    "message": f"{name!r} is already used by field {names[name]}",
                }
            )
        names[name] = i
        if "tracker_field" in entry:
            tracker = entry["tracker_field"]
        else:
            tracker = current.tracker_field if current else None
        if tracker:
            if tracker in trackers:
                problems.append(
                    {
                        "path": f"{path}.tracker_field",
                        "message": f"{tracker} is already mapped by field {trackers[tracker]}",
                    }
                )
            trackers[tracker] = i
            unchanged = current is not None and current.tracker_field == tracker
            reason = None if unchanged else check_mapping(board, source, tracker)
            other = (used_elsewhere or {}).get(tracker)
            if other and not unchanged:
                reason = f"{tracker} is already written by board {other!r}; two boards would "
                reason += "overwrite each other's values"
            if reason:
                problems.append({"path": f"{path}.tracker_field", "message": reason})
        out.append(SyncField(source=source, name=name, tracker_field=tracker))
    sort_by = board.options.sort_board_by
    if sort_by and sort_by not in sources:
        problems.append(
            {
                "path": "$.fields",
                "message": f"options.sort_board_by is {sort_by!r}: keep a {sort_by!r} field "
                "or change the option first",
            }
        )
    _raise(problems)
    return tuple(out)


def default_fields(board: Board) -> tuple[SyncField, ...]:
    """A new board's fields: priority and alignment, named from the board's mark."""
    return tuple(SyncField(s, board.default_field_name(s)) for s in DEFAULT_SOURCES)


def follow_mark(old: Board, new: Board) -> Board:
    """Rename fields still carrying the old default name and not yet in Jira to the new one."""
    fields = tuple(
        dataclasses.replace(f, name=new.default_field_name(f.source))
        if f.tracker_field is None and f.name == old.default_field_name(f.source)
        else f
        for f in new.fields
    )
    return dataclasses.replace(new, fields=fields)


def check_board(board: Board) -> None:
    """Cross-key rules a schema cannot say: unique criteria, used criteria, sort source."""
    problems: list[dict[str, str]] = []
    ids: set[str] = set()
    for i, criterion in enumerate(board.criteria):
        if criterion.id in ids:
            problems.append(
                {"path": f"$.criteria[{i}].id", "message": f"{criterion.id!r} is listed twice"}
            )
        ids.add(criterion.id)
    for field in board.fields:
        cid = criterion_id(field.source)
        if cid is not None and cid not in ids:
            problems.append(
                {
                    "path": "$.criteria",
                    "message": f"criterion {cid!r} is used by field {field.name!r}; "
                    "remove the field first",
                }
            )
    sort_by = board.options.sort_board_by
    if sort_by and sort_by not in {f.source for f in board.fields}:
        problems.append(
            {
                "path": "$.options.sort_board_by",
                "message": f"the board has no {sort_by!r} field to sort by",
            }
        )
    _raise(problems)
