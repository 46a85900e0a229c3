"""Board setup routes (DESIGN §5): the field list, the setup jobs, activation.

Every Jira write is a job (`worker.jobs.setup`); these routes validate, check the activation
lock and enqueue. Activation judges the preflight report the last refresh stored: the bridge
does not call Jira inside a request.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from bridge.auth import require_admin
from bridge.board_access import (
    board_view,
    change_board,
    enqueue_setup,
    load_board,
    replan,
    require_inactive,
)
from bridge.board_fields import build_fields
from bridge.errors import ApiError, UnavailableError
from bridge.extensions import resources
from bridge.validation import json_body, validate
from worker.jobs import setup as setup_jobs
from worker.model import Board
from worker.services.fields_setup import fields_of_other_boards
from worker.services.preflight import fingerprint

bp = Blueprint("board_setup", __name__)


class PreflightError(ApiError):
    status = 422
    code = "preflight_failed"


@bp.put("/api/boards/<board_id>/fields")
@require_admin
def put_fields(board_id: str) -> ResponseReturnValue:
    """Replace the sync field list (400 with paths; 409 while active)."""
    require_inactive(load_board(board_id), "the field list")
    body = validate("fields", json_body())

    used = fields_of_other_boards(resources().boards, board_id)

    def change(board: Board) -> Board:
        require_inactive(board, "the field list")
        return dataclasses.replace(board, fields=build_fields(board, body["fields"], used))

    return jsonify(board_view(change_board(board_id, change)))


def _job(board_id: str, function: Any, locked: bool = False) -> ResponseReturnValue:
    board = load_board(board_id)
    if locked:
        require_inactive(board, "the field list")
    if not resources().settings.jira.base_url:
        raise UnavailableError("Jira is not configured (JIRA_BASE_URL is unset)")
    return jsonify({"job_id": enqueue_setup(function, board)}), 202


@bp.post("/api/boards/<board_id>/fields/create-in-jira")
@require_admin
def create_in_jira(board_id: str) -> ResponseReturnValue:
    """Job: create or reuse the unmapped fields in Jira, put them on screens, map them."""
    return _job(board_id, setup_jobs.create_fields_in_jira, locked=True)


@bp.post("/api/boards/<board_id>/refresh")
@require_admin
def refresh(board_id: str) -> ResponseReturnValue:
    """Job: re-read Jira's fields and agile board, run and store the preflight."""
    return _job(board_id, setup_jobs.refresh_board)


@bp.post("/api/boards/<board_id>/board-config")
@require_admin
def board_config(board_id: str) -> ResponseReturnValue:
    """Job: card layout in backlog and active sprint, optional board order."""
    return _job(board_id, setup_jobs.apply_board_config)


@bp.post("/api/boards/<board_id>/board-config/revert")
@require_admin
def board_config_revert(board_id: str) -> ResponseReturnValue:
    """Job: undo what board-config changed on the Jira board."""
    return _job(board_id, setup_jobs.revert_board_config)


def _refusal(board: Board) -> PreflightError | None:
    """Why the stored preflight does not allow activation (None when it does)."""
    report = board.preflight
    if not report or "ok" not in report:
        return PreflightError(
            f"no preflight yet: run POST /api/boards/{board.id}/refresh, then activate",
            details=[{"path": "$", "message": "the board has never been refreshed"}],
        )
    if report.get("fingerprint") != fingerprint(board):
        return PreflightError(
            "the fields or the scope changed since the last preflight: run POST "
            f"/api/boards/{board.id}/refresh, then activate",
            details=[{"path": "$", "message": "preflight is out of date"}],
        )
    if report["ok"]:
        return None
    index = {f.source: i for i, f in enumerate(board.fields)}
    details = []
    for problem in report.get("problems", []):
        i = index.get(problem.get("source", ""))
        path = f"$.fields[{i}]" if i is not None else "$"
        details.append({"path": path, "message": problem["message"]})
    summary = {k: v for k, v in report.items() if k != "jira_fields"}
    return PreflightError(
        f"preflight failed: {details[0]['message']}" if details else "preflight failed",
        details=details,
        extra={"report": summary},
    )


@bp.post("/api/boards/<board_id>/activate")
@require_admin
def activate(board_id: str) -> ResponseReturnValue:
    """Turn Sync Back on if the stored, current preflight passed (422 otherwise)."""
    load_board(board_id)

    def change(board: Board) -> Board:
        if board.active:
            return board
        refusal = _refusal(board)
        if refusal is not None:
            raise refusal
        # Missed-sprint recovery (worker/services/sprint_recovery.py) only replays sprints
        # closed after this moment: turning a board on never syncs its old sprints.
        activated_at = datetime.now(UTC).isoformat()
        return dataclasses.replace(board, active=True, activated_at=activated_at)

    board = change_board(board_id, change)
    replan(board_id)
    return jsonify(board_view(board))


@bp.post("/api/boards/<board_id>/deactivate")
@require_admin
def deactivate(board_id: str) -> ResponseReturnValue:
    """Turn Sync Back off; the field list can change again."""
    board = change_board(board_id, lambda b: dataclasses.replace(b, active=False))
    replan(board_id)
    return jsonify(board_view(board))
