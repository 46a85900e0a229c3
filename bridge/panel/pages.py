"""Board list and board page (the seed's four steps, schedule, manual sync)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template
from flask.typing import ResponseReturnValue

from bridge.extensions import resources
from bridge.panel import bp, views
from bridge.panel.guard import admin_page
from worker.services.schedules import scheduled_jobs
from worker.store import BoardNotFoundError


@bp.get("/")
@admin_page
def boards() -> ResponseReturnValue:
    res = resources()
    rows = [
        {
            "board": b,
            "schedule": views.schedule_label(b.schedule),
            "last_run": res.runs.latest(b.id),
            "scores": res.scores.count(b.id),
            "next_step": next((n for n, ok in views.steps_done(b).items() if not ok), None),
        }
        for b in res.boards.list()
    ]
    return render_template(
        "panel/boards.html", rows=rows, lozenges=views.STATE_LOZENGES, steps=views.STEPS
    )


@bp.get("/boards/<board_id>")
@admin_page
def board(board_id: str) -> ResponseReturnValue:
    res = resources()
    try:
        b = res.boards.get(board_id)
    except BoardNotFoundError:
        return render_template("panel/not_found.html", what=f"board {board_id!r}"), 404
    others = [o for o in res.boards.list() if o.id != b.id]
    history = res.runs.history(b.id, limit=5)
    unmapped = [f for f in b.fields if not f.tracker_field]
    return render_template(
        "panel/board.html",
        board=b,
        done=views.steps_done(b),
        steps=views.STEPS,
        rows=views.field_rows(b),
        addable=views.addable_sources(b),
        unmapped=unmapped,
        schedule_label=views.schedule_label(b.schedule),
        next_sync=views.next_sync_label(
            b, list(scheduled_jobs(res.redis, b.id).values()), datetime.now(UTC)
        ),
        weekdays=views.WEEKDAYS,
        timezones=views.timezone_groups(),
        others=others,
        history=history,
        running=next((r for r in history if r["state"] in ("queued", "running")), None),
        scores=res.scores.count(b.id),
        lozenges=views.STATE_LOZENGES,
        preflight_state=views.preflight_state(b),
        problem_fix=lambda p: views.problem_fix(p, res.settings.jira.base_url),
        names=views.field_names(b),
    )
