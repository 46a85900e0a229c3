"""Scores page: the board's stored scores with their priority, and the CSV upload with preview."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from bridge.extensions import resources
from bridge.panel import bp
from bridge.panel.guard import admin_page
from worker import scoring
from worker.store import BoardNotFoundError

SHOWN = 200
"""Scores listed on the page (best first); the API returns all of them."""


@bp.get("/boards/<board_id>/scores")
@admin_page
def scores(board_id: str) -> ResponseReturnValue:
    res = resources()
    try:
        b = res.boards.get(board_id)
    except BoardNotFoundError:
        return render_template("panel/not_found.html", what=f"board {board_id!r}"), 404
    stored = list(res.scores.all(b.id).values())
    ranks = scoring.rank(stored)
    ordered = sorted(stored, key=lambda s: (ranks.get(s.issue, len(ranks) + 1), s.issue))
    return render_template(
        "panel/scores.html",
        board=b,
        scores=ordered[:SHOWN],
        total=len(ordered),
        ranks=ranks,
        criteria=[c.id for c in b.criteria],
    )
