"""Schedule routes (DESIGN §5): `PUT .../schedule` and `POST .../schedule/copy`.

The schema checks the shape (weekday, `HH:MM`); the IANA timezone is checked here against the
zoneinfo database, the same one the scheduler computes slots with.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from bridge.auth import require_admin
from bridge.board_access import board_view, change_board, load_board, replan
from bridge.errors import ValidationError
from bridge.extensions import resources
from bridge.validation import json_body, validate
from worker.model import Board, Schedule
from worker.scheduling import ScheduleError, zone
from worker.store import BoardNotFoundError

bp = Blueprint("schedule", __name__)


CUSTOM_ONLY = ("weekday", "time", "timezone")


def parse_schedule(raw: Any) -> Schedule:
    """A valid body as a Schedule; 400 with the path (schema, custom-only keys, IANA zone)."""
    if isinstance(raw, dict) and raw.get("mode") == "sprint_end":
        extra = [k for k in CUSTOM_ONLY if k in raw]
        if extra:
            details = [
                {"path": f"$.{k}", "message": "allowed only with mode 'custom'"} for k in extra
            ]
            raise ValidationError.from_problems(details)
    body = validate("schedule", raw)
    if body["mode"] == "custom":
        try:
            zone(body["timezone"])
        except ScheduleError:
            message = f"{body['timezone']!r} is not an IANA timezone (e.g. Europe/Berlin)"
            raise ValidationError(
                f"$.timezone: {message}", details=[{"path": "$.timezone", "message": message}]
            ) from None
    return Schedule(**body)


def _set(schedule: Schedule) -> Any:
    return lambda board: dataclasses.replace(board, schedule=schedule)


@bp.put("/api/boards/<board_id>/schedule")
@require_admin
def put_schedule(board_id: str) -> ResponseReturnValue:
    """Set the board's schedule and re-plan its runs."""
    load_board(board_id)
    schedule = parse_schedule(json_body())
    board = change_board(board_id, _set(schedule))
    replan(board_id)
    return jsonify(board_view(board))


@bp.post("/api/boards/<board_id>/schedule/copy")
@require_admin
def copy_schedule(board_id: str) -> ResponseReturnValue:
    """Copy the board's schedule to other boards; one result per target board."""
    source: Board = load_board(board_id)
    body = validate("schedule_copy", json_body())
    boards = resources().boards
    results = []
    for target in body["to"]:
        if target == board_id:
            results.append({"board": target, "status": "skipped", "message": "the source board"})
            continue
        try:
            before = boards.get(target).schedule
            boards.update(target, _set(source.schedule))
            replan(target)
        except BoardNotFoundError:
            results.append({"board": target, "status": "not_found", "message": "no such board"})
            continue
        results.append(
            {
                "board": target,
                "status": "unchanged" if before == source.schedule else "copied",
                "schedule": source.schedule.to_dict(),
            }
        )
    copied = sum(r["status"] == "copied" for r in results)
    return jsonify({"schedule": source.schedule.to_dict(), "copied": copied, "results": results})
