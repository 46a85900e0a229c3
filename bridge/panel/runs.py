"""Sync history of a board and one run's page (summary, errors, changes old → new, revert)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from bridge.extensions import resources
from bridge.panel import bp, views
from bridge.panel.guard import admin_page
from worker import scoring
from worker.store import BoardNotFoundError, RunNotFoundError

HISTORY_PAGE = 50
SHOWN = 1000
"""Changes and errors listed on a run's page; the API (GET /api/syncs/<id>) has all of them."""


@bp.get("/boards/<board_id>/runs")
@admin_page
def history(board_id: str) -> ResponseReturnValue:
    res = resources()
    try:
        b = res.boards.get(board_id)
    except BoardNotFoundError:
        return render_template("panel/not_found.html", what=f"board {board_id!r}"), 404
    return render_template(
        "panel/runs.html",
        board=b,
        runs=res.runs.history(b.id, limit=HISTORY_PAGE),
        lozenges=views.STATE_LOZENGES,
        duration=views.run_duration,
    )


@bp.get("/runs/<run_id>")
@admin_page
def run(run_id: str) -> ResponseReturnValue:
    res = resources()
    try:
        record = res.runs.get(run_id)
    except RunNotFoundError:
        return render_template("panel/not_found.html", what=f"sync run {run_id!r}"), 404
    # Writes finish in any order; people read them by issue (SHOP-2 before SHOP-10).
    record["changes"].sort(key=lambda c: (scoring.natural_key(c["issue"]), c["field"]))
    record["errors"].sort(key=lambda e: (scoring.natural_key(e.get("issue") or ""), e["code"]))
    try:
        b = res.boards.get(record["board"])
    except BoardNotFoundError:
        b = None
    counts = {"changes": len(record["changes"]), "errors": len(record["errors"])}
    record["changes"], record["errors"] = record["changes"][:SHOWN], record["errors"][:SHOWN]
    return render_template(
        "panel/run.html",
        run=record,
        totals=counts,
        board=b,
        lozenges=views.STATE_LOZENGES,
        duration=views.run_duration(record),
        names=views.field_names(b) if b else {},
    )
