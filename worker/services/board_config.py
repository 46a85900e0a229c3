"""The agile board's configuration (DESIGN §4): card fields and, optionally, the board order.

Card layout is a private Jira Software resource with at most 3 fields per mode: `planMode` is
the backlog, `workMode` the active sprint (jira-server-api.md §5.3). Ordering goes through the
board filter's `ORDER BY`; any order other than Rank disables drag-and-drop ranking (§5.2), so
the report warns. Every change is remembered in `board_config["undo"]` so `revert` restores the
previous state; re-applying never overwrites that memory with our own changes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redis import Redis

from worker.jira import JiraClient, JiraError, JiraNotFoundError
from worker.model import Board, SyncField
from worker.settings import KEY_PREFIX
from worker.store import BoardStore

CARD_LIMIT = 3
"""Jira shows at most 3 extra fields per card mode (jira-server-api.md §5.3)."""
MODES = (("planMode", "backlog"), ("workMode", "active_sprint"))
"""Card layout mode -> the `options.card_layout` key that enables it."""
ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
FILTER_EDITED = "the board filter was edited in Jira since we ordered it; left as it is"
DRAG_AND_DROP_WARNING = (
    "the board is now ordered by {name!r}: Jira disables drag-and-drop ranking on a board whose "
    "filter is not ordered by Rank; set options.sort_board_by to null and apply again to undo"
)


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat()


def with_order(jql: str, clause: str | None) -> str:
    """`jql` with its ORDER BY replaced by `clause` (or removed when None)."""
    base = ORDER_BY.split(jql, maxsplit=1)[0].strip()
    if clause is None:
        return base
    return f"{base} ORDER BY {clause}" if base else f"ORDER BY {clause}"


def order_clause(field: SyncField) -> str:
    """Rank 1 is the top, so priority sorts ascending; scores and percents descending."""
    number = field.tracker_field.removeprefix("customfield_")  # type: ignore[union-attr]
    return f"cf[{number}] {'ASC' if field.source == 'priority' else 'DESC'}"


def undo_memory(board: Board) -> dict[str, Any]:
    """What the last apply changed (card items added, filter JQL replaced); empty when nothing."""
    return (board.board_config or {}).get("undo") or {"card_items": [], "filter": None}


def restore_order(
    jira: JiraClient, filter_id: int | str, jql: str, remembered: dict[str, Any]
) -> bool:
    """Put back the JQL we replaced unless the filter (now `jql`) was edited in Jira since."""
    if jql != remembered["applied_jql"]:
        return False
    jira.update_filter_jql(filter_id, remembered["jql"])
    return True


def apply_cards(
    jira: JiraClient, board: Board, undo: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Add mapped fields to each enabled mode's card layout, within Jira's 3-field limit."""
    report: dict[str, Any] = {}
    warnings: list[str] = []
    wanted = {"backlog": board.options.card_layout.get("backlog", True)}
    wanted["active_sprint"] = board.options.card_layout.get("active_sprint", True)
    for mode, option in MODES:
        if not wanted[option]:
            report[mode] = {"enabled": False}
            continue
        current = jira.card_layout(board.jira_board_id, mode)
        present = {c.get("fieldId") for c in current}
        room = CARD_LIMIT - len(current)
        row: dict[str, Any] = {"enabled": True, "added": [], "present": [], "skipped": []}
        for f in board.mapped_fields():
            if f.tracker_field in present:
                row["present"].append(f.tracker_field)
                continue
            if room <= 0:
                row["skipped"].append(f.tracker_field)
                warnings.append(
                    f"{option}: the card layout already holds {CARD_LIMIT} fields (Jira's limit); "
                    f"{f.name!r} was not added"
                )
                continue
            try:
                item = jira.add_card_layout_field(board.jira_board_id, mode, f.tracker_field)
            except JiraError as exc:
                row["skipped"].append(f.tracker_field)
                warnings.append(f"{option}: {f.name!r} was not added: {exc}")
                continue
            room -= 1
            row["added"].append(f.tracker_field)
            undo["card_items"].append(
                {"mode": mode, "item_id": (item or {}).get("id"), "field_id": f.tracker_field}
            )
        report[mode] = row
    return report, warnings


def apply_sort(
    jira: JiraClient, board: Board, undo: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Order the board filter by `sort_board_by`, or restore the order we replaced."""
    source = board.options.sort_board_by
    filter_id = (jira.board_configuration(board.jira_board_id).get("filter") or {}).get("id")
    jql = jira.filter(filter_id)["jql"]
    remembered = undo.get("filter")
    if source is None:
        if not remembered:
            return {"sort_board_by": None, "filter_id": filter_id, "jql": jql}, []
        restored = restore_order(jira, filter_id, jql, remembered)
        undo["filter"] = None
        if not restored:
            return {"sort_board_by": None, "jql": jql}, [FILTER_EDITED]
        return {"sort_board_by": None, "filter_id": filter_id, "jql": remembered["jql"]}, []
    field = next((f for f in board.mapped_fields() if f.source == source), None)
    if field is None:
        return {"sort_board_by": source, "applied": False}, [
            f"options.sort_board_by is {source!r} but that field is not mapped to a Jira field"
        ]
    new = with_order(jql, order_clause(field))
    if new != jql:
        if not remembered:
            undo["filter"] = {"id": filter_id, "jql": jql, "applied_jql": new}
        else:
            undo["filter"] = {**remembered, "applied_jql": new}
        jira.update_filter_jql(filter_id, new)
    warning = DRAG_AND_DROP_WARNING.format(name=field.name)
    return {"sort_board_by": source, "filter_id": filter_id, "jql": new, "applied": True}, [warning]


def lock_key(board_id: str) -> str:
    """One board-configuration job per board at a time: two could add a card field twice."""
    return f"{KEY_PREFIX}:lock:board-config:{board_id}"


Step = Callable[[JiraClient, Board, dict[str, Any]], dict[str, Any]]


def _locked(redis: Redis, jira: JiraClient, board_id: str, step: Step) -> dict[str, Any]:
    """Run `step` on the board and its undo memory under the board's lock; store its report."""
    with redis.lock(lock_key(board_id), timeout=600, blocking_timeout=600):
        boards = BoardStore(redis)
        board = boards.get(board_id)
        report = step(jira, board, undo_memory(board))
        boards.update(board_id, lambda b: dataclasses.replace(b, board_config=report))
        return report


def apply_board_config(redis: Redis, jira: JiraClient, board_id: str) -> dict[str, Any]:
    """Card layout and optional sort; stores and returns the report (with its undo memory)."""
    return _locked(redis, jira, board_id, _apply)


def _apply(jira: JiraClient, board: Board, undo: dict[str, Any]) -> dict[str, Any]:
    cards, warnings = apply_cards(jira, board, undo)
    sort, sort_warnings = apply_sort(jira, board, undo)
    return {
        "applied_at": now(),
        "card_layout": cards,
        "sort": sort,
        "warnings": warnings + sort_warnings,
        "undo": undo,
    }


def revert_board_config(redis: Redis, jira: JiraClient, board_id: str) -> dict[str, Any]:
    """Remove the card fields we added and restore the filter order we replaced."""
    return _locked(redis, jira, board_id, _revert)


def _revert(jira: JiraClient, board: Board, undo: dict[str, Any]) -> dict[str, Any]:
    removed, warnings = [], []
    for item in undo.get("card_items", []):
        if item.get("item_id") is None:
            continue
        try:
            jira.remove_card_layout_field(board.jira_board_id, item["mode"], item["item_id"])
            removed.append(item)
        except JiraNotFoundError:
            warnings.append(f"{item['mode']}: {item['field_id']} was already removed in Jira")
    restored = None
    remembered = undo.get("filter")
    if remembered:
        jql = jira.filter(remembered["id"])["jql"]
        if restore_order(jira, remembered["id"], jql, remembered):
            restored = remembered["jql"]
        else:
            warnings.append(FILTER_EDITED)
    return {
        "reverted_at": now(),
        "removed": removed,
        "filter_restored": restored,
        "warnings": warnings,
        "undo": {"card_items": [], "filter": None},
    }
