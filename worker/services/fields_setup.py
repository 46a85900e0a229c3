"""Create the board's sync fields in Jira, put them on the screens, map them (DESIGN §4).

Idempotent: a custom field with the same name and a compatible type is reused, a field already
on a screen is left there, and a mapped field is never re-created. Creation is serialised by a
Redis lock, since two jobs creating "the same" field at once would make two Jira fields.

Screens: `addToDefault` only reaches the Default Screen's first tab and Scrum/Kanban projects use
their own screens named `<KEY>: ...` (jira-server-api.md §3), so the field goes onto the first
tab of every screen of the projects in scope and of Default, Resolve Issue and Workflow Screen.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from redis import Redis

from worker.jira import JiraClient, JiraError
from worker.model import Board, SyncField
from worker.services.field_types import JIRA_TYPES, describe, field_kind
from worker.settings import KEY_PREFIX
from worker.store import BoardStore

log = logging.getLogger(__name__)

LOCK_KEY = f"{KEY_PREFIX}:lock:jira-fields"
DEFAULT_SCREENS = ("Default Screen", "Resolve Issue Screen", "Workflow Screen")


class SetupError(Exception):
    """The job cannot start; the message says why and what to do."""


def target_screens(jira: JiraClient, board: Board) -> list[dict[str, Any]]:
    """Screens of the projects in scope (`<KEY>: ...`) and the three default screens."""
    prefixes = tuple(f"{key}: " for key in board.project_keys)
    return [
        s
        for s in jira.screens()
        if s.get("name", "").startswith(prefixes) or s.get("name") in DEFAULT_SCREENS
    ]


def place_on_screen(jira: JiraClient, screen: dict[str, Any], field_ids: list[str]) -> list[str]:
    """Add the fields not yet on any tab of the screen to its first tab; returns those added."""
    tabs = jira.screen_tabs(screen["id"])
    if not tabs:
        return []
    present = {f["id"] for tab in tabs for f in jira.tab_fields(screen["id"], tab["id"])}
    added = []
    for field_id in field_ids:
        if field_id not in present:
            jira.add_field_to_tab(screen["id"], tabs[0]["id"], field_id)
            added.append(field_id)
    return added


def fields_of_other_boards(boards: BoardStore, board_id: str) -> dict[str, str]:
    """Jira field id -> the other board that writes it."""
    return {
        f.tracker_field: b.id
        for b in boards.list()
        if b.id != board_id
        for f in b.fields
        if f.tracker_field
    }


def ensure_field(
    jira: JiraClient,
    board: Board,
    field: SyncField,
    existing: list[dict[str, Any]],
    used_elsewhere: dict[str, str],
) -> dict[str, Any]:
    """Reuse a same-named field of the right type or create one; a result row either way."""
    row: dict[str, Any] = {"source": field.source, "name": field.name}
    same = [f for f in existing if f.get("custom") and f.get("name") == field.name]
    good = [f for f in same if field_kind(f) == field.type]
    taken = [f for f in good if f["id"] in used_elsewhere]
    if taken:
        # Two boards writing one field would overwrite each other's values on every run.
        other = used_elsewhere[taken[0]["id"]]
        message = (
            f"Jira field {taken[0]['id']} {field.name!r} is written by board {other!r}; "
            "give this board another emoji (or name the field differently)"
        )
        return {**row, "field_id": None, "action": "failed", "error": message}
    if good:
        return {**row, "field_id": good[0]["id"], "action": "reused"}
    if same:
        message = (
            f"Jira already has a field named {field.name!r} ({same[0]['id']}, "
            f"{describe(same[0])}); rename this sync field or map a field of the right type"
        )
        return {**row, "field_id": None, "action": "failed", "error": message}
    type_key, searcher = JIRA_TYPES[field.type]
    description = f"Written by Sync Back from board {board.name!r} ({field.source})."
    try:
        created = jira.create_field(field.name, type_key, searcher, description)
    except JiraError as exc:
        return {**row, "field_id": None, "action": "failed", "error": str(exc)}
    existing.append(created)
    return {**row, "field_id": created["id"], "action": "created"}


def create_fields_in_jira(redis: Redis, jira: JiraClient, board_id: str) -> dict[str, Any]:
    """Create/reuse every unmapped field, put all mapped fields on the screens, map the new ids."""
    boards = BoardStore(redis)
    with redis.lock(LOCK_KEY, timeout=900, blocking_timeout=900):
        board = boards.get(board_id)
        if board.active:
            raise SetupError(f"board {board_id!r} is active: deactivate it to change its fields")
        existing = jira.fields()
        used_elsewhere = fields_of_other_boards(boards, board_id)
        rows = []
        for field in board.fields:
            if field.tracker_field:
                rows.append(
                    {
                        "source": field.source,
                        "name": field.name,
                        "field_id": field.tracker_field,
                        "action": "already_mapped",
                    }
                )
            else:
                rows.append(ensure_field(jira, board, field, existing, used_elsewhere))
        ids = [r["field_id"] for r in rows if r["field_id"]]
        screens = target_screens(jira, board)
        for row in rows:
            row["screens"] = []
        for screen in screens:
            added = set(place_on_screen(jira, screen, ids))
            for row in rows:
                if row["field_id"]:
                    entry = {"id": screen["id"], "name": screen["name"]}
                    row["screens"].append({**entry, "added": row["field_id"] in added})
        mapped = map_fields(boards, board_id, rows)
    missing = [n for n in DEFAULT_SCREENS if n not in {s["name"] for s in screens}]
    log.info("setup.fields", extra={"board": board_id, "mapped": mapped})
    return {"board": board_id, "fields": rows, "mapped": mapped, "screens_not_found": missing}


def map_fields(boards: BoardStore, board_id: str, rows: list[dict[str, Any]]) -> list[str]:
    """Write the new ids onto fields still unmapped with the same source and name."""
    new = {(r["source"], r["name"]): r["field_id"] for r in rows if r["action"] != "already_mapped"}
    mapped: list[str] = []

    def change(board: Board) -> Board:
        mapped.clear()
        if board.active:
            return board
        fields = []
        for f in board.fields:
            field_id = new.get((f.source, f.name))
            if f.tracker_field is None and field_id:
                f = dataclasses.replace(f, tracker_field=field_id)
                mapped.append(f.source)
            fields.append(f)
        return dataclasses.replace(board, fields=tuple(fields))

    boards.update(board_id, change)
    return mapped
