"""Boards CRUD (DESIGN §5): `/api/boards` and `/api/boards/<id>`.

The setup routes (fields, jobs, activation) and the schedule routes live in their own modules
and are nested under this blueprint, so `create_app` registers one blueprint for all of them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from bridge import board_setup_api, schedule_api
from bridge.auth import require_admin
from bridge.board_access import board_view, change_board, load_board, replan, require_inactive
from bridge.board_fields import check_board, default_fields, follow_mark
from bridge.errors import ConflictError
from bridge.extensions import resources
from bridge.validation import json_body, validate
from worker.model import Board, Criterion, Options
from worker.store import BoardExistsError

bp = Blueprint("boards", __name__)
bp.register_blueprint(board_setup_api.bp)
bp.register_blueprint(schedule_api.bp)

LOCKED_KEYS = ("jira_board_id", "project_keys", "jql", "emoji", "criteria")
"""Keys that change the fields, their names or the preflight's scope: locked while active."""


def _options(current: Options, patch: dict[str, Any]) -> Options:
    data = dataclasses.asdict(current)
    for key, value in patch.items():
        data[key] = {**data[key], **value} if key == "card_layout" else value
    return Options(**data)


def _criteria(raw: list[dict[str, Any]]) -> tuple[Criterion, ...]:
    return tuple(Criterion(**c) for c in raw)


@bp.get("/api/boards")
@require_admin
def list_boards() -> ResponseReturnValue:
    """Every board, as board reads."""
    return jsonify({"boards": [board_view(b) for b in resources().boards.list()]})


@bp.post("/api/boards")
@require_admin
def create_board() -> ResponseReturnValue:
    """Create a board with the default fields (201; 409 when the id is taken)."""
    body = validate("board_create", json_body())
    board = Board(
        id=body["id"],
        name=body["name"],
        emoji=body["emoji"],
        jira_board_id=body["jira_board_id"],
        project_keys=tuple(body["project_keys"]),
        jql=body.get("jql") or None,
        criteria=_criteria(body.get("criteria", [])),
        options=_options(Options(), body.get("options", {})),
    )
    board = dataclasses.replace(board, fields=default_fields(board))
    check_board(board)
    try:
        board = resources().boards.create(board)
    except BoardExistsError:
        raise ConflictError(
            f"board {board.id!r} already exists",
            code="board_exists",
            details=[{"path": "$.id", "message": f"{board.id!r} is taken"}],
        ) from None
    return jsonify(board_view(board)), 201


@bp.get("/api/boards/<board_id>")
@require_admin
def read_board(board_id: str) -> ResponseReturnValue:
    """One board read."""
    return jsonify(board_view(load_board(board_id)))


@bp.patch("/api/boards/<board_id>")
@require_admin
def update_board(board_id: str) -> ResponseReturnValue:
    """Change name, emoji, scope, criteria or options (locked keys: 409 while active)."""
    load_board(board_id)  # unknown board: 404 before the body is judged
    body = validate("board_update", json_body())

    def change(board: Board) -> Board:
        new = dataclasses.replace(
            board,
            name=body.get("name", board.name),
            emoji=body.get("emoji", board.emoji),
            jira_board_id=body.get("jira_board_id", board.jira_board_id),
            project_keys=tuple(body.get("project_keys", board.project_keys)),
            jql=(body.get("jql") or None) if "jql" in body else board.jql,
            criteria=_criteria(body["criteria"]) if "criteria" in body else board.criteria,
            options=_options(board.options, body.get("options", {})),
        )
        locked = [k for k in LOCKED_KEYS if getattr(new, k) != getattr(board, k)]
        if new.options.field_name_style != board.options.field_name_style:
            locked.append("options.field_name_style")
        if locked:
            require_inactive(board, ", ".join(locked))
        new = follow_mark(board, new)
        check_board(new)
        return new

    return jsonify(board_view(change_board(board_id, change)))


@bp.delete("/api/boards/<board_id>")
@require_admin
def delete_board(board_id: str) -> ResponseReturnValue:
    """Delete an inactive board with its scores, runs and planned runs (204)."""
    board = load_board(board_id)
    require_inactive(board, "the board")
    res = resources()
    res.boards.delete(board_id)
    res.scores.delete_board(board_id)
    res.runs.delete_board(board_id)
    replan(board_id)  # drops its planned runs
    return "", 204
