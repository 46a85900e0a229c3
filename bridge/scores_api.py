"""Scores in: `PUT /api/boards/<id>/scores` (DESIGN §5), and the stored scores with their ranks."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from bridge.auth import require_admin
from bridge.board_access import load_board
from bridge.errors import ValidationError
from bridge.extensions import resources
from bridge.validation import json_body, validate
from worker import scoring
from worker.score_input import item_problems, to_score

bp = Blueprint("scores_api", __name__)


@bp.put("/api/boards/<board_id>/scores")
@require_admin
def put_scores(board_id: str) -> ResponseReturnValue:
    """Merge the given scores into the board's (or, with `replace`, swap the whole set)."""
    board = load_board(board_id)
    body = validate("scores", json_body())
    found = item_problems(body["scores"], board)
    if found:
        raise ValidationError.from_problems(found)
    scores = [to_score(item, board) for item in body["scores"]]
    replace = bool(body.get("replace", False))
    stored = resources().scores.put(board_id, scores, replace=replace)
    return jsonify(
        {"stored": stored, "replace": replace, "total": resources().scores.count(board_id)}
    )


@bp.get("/api/boards/<board_id>/scores")
@require_admin
def get_scores(board_id: str) -> ResponseReturnValue:
    """Every stored score with its derived priority, best first."""
    load_board(board_id)
    scores = list(resources().scores.all(board_id).values())
    ordered, ranks = scoring.ranked(scores)
    return jsonify({"scores": [{**s.to_dict(), "priority": ranks.get(s.issue)} for s in ordered]})
