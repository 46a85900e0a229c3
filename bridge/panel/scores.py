"""Scores page: the board's stored scores with their priority, and the CSV upload with preview.

The CSV goes to the server as the request body (text/csv) and is parsed by
`worker.score_import`, the one CSV reader: the preview stores nothing, the import stores all
rows or, when any line is wrong, none.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request
from flask.typing import ResponseReturnValue

from bridge.auth import require_admin
from bridge.board_access import load_board
from bridge.errors import ApiError
from bridge.extensions import resources
from bridge.panel import bp
from bridge.panel.guard import admin_page
from worker import scoring
from worker.model import Board, Score
from worker.score_import import ScoreImportError, parse_scores_csv
from worker.store import BoardNotFoundError

SHOWN = 200
"""Scores listed on the page (best first); the API returns all of them."""
PREVIEWED = 50
"""Rows of an uploaded file shown before importing."""


class CsvError(ApiError):
    status = 400
    code = "invalid_csv"


@bp.get("/boards/<board_id>/scores")
@admin_page
def scores(board_id: str) -> ResponseReturnValue:
    res = resources()
    try:
        b = res.boards.get(board_id)
    except BoardNotFoundError:
        return render_template("panel/not_found.html", what=f"board {board_id!r}"), 404
    ordered, ranks = scoring.ranked(list(res.scores.all(b.id).values()))
    return render_template(
        "panel/scores.html",
        board=b,
        scores=ordered[:SHOWN],
        total=len(ordered),
        ranks=ranks,
        criteria=[c.id for c in b.criteria],
    )


def _parse(board: Board) -> list[Score]:
    try:
        return parse_scores_csv(request.get_data(as_text=True), board)
    except ScoreImportError as exc:
        problems = [p.to_dict() for p in exc.problems]
        details = [
            {"path": f"line {p['line']}" + (f", {p['column']}" if p["column"] else ""), **p}
            for p in problems
        ]
        raise CsvError(str(exc), details=details) from None


@bp.post("/boards/<board_id>/scores/preview")
@require_admin
def preview_scores(board_id: str) -> ResponseReturnValue:
    """What importing this CSV would store (nothing is stored)."""
    board = load_board(board_id)
    incoming = _parse(board)
    replace = request.args.get("replace") == "1"
    current = {} if replace else resources().scores.all(board.id)
    after = {**current, **{s.issue: s for s in incoming}}
    ranks = scoring.rank(after.values())
    rows: list[dict[str, Any]] = [
        {**s.to_dict(), "priority": ranks.get(s.issue), "new": s.issue not in current}
        for s in incoming[:PREVIEWED]
    ]
    return jsonify(
        {
            "rows": len(incoming),
            "new": sum(s.issue not in current for s in incoming),
            "replace": replace,
            "total_after": len(after),
            "preview": rows,
        }
    )


@bp.post("/boards/<board_id>/scores/import")
@require_admin
def import_scores(board_id: str) -> ResponseReturnValue:
    """Store every row of the CSV (merge, or replace with ?replace=1), or none on any error."""
    board = load_board(board_id)
    replace = request.args.get("replace") == "1"
    # parse_scores_csv + ScoreStore.put is worker.score_import.import_scores_csv, kept apart
    # here so a bad file answers with the line-numbered details of _parse.
    stored = resources().scores.put(board.id, _parse(board), replace=replace)
    return jsonify(
        {"stored": stored, "replace": replace, "total": resources().scores.count(board.id)}
    )
