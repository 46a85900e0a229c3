"""Sync runs over HTTP (DESIGN §5): ask for one, read history and one run, revert one."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue

from bridge.auth import require_admin
from bridge.board_access import load_board
from bridge.errors import ConflictError, NotFoundError, ValidationError
from bridge.extensions import resources
from bridge.validation import json_body, validate
from worker.services.sync_requests import recover_stale, request_revert, request_sync
from worker.store import RunNotFoundError

bp = Blueprint("syncs_api", __name__)
FINISHED = ("succeeded", "partial", "failed")


def _run_or_404(run_id: str, limit: int | None = None) -> dict:
    try:
        return resources().runs.get(run_id, limit=limit)
    except RunNotFoundError:
        raise NotFoundError(f"no sync run {run_id!r}") from None


@bp.post("/api/boards/<board_id>/syncs")
@require_admin
def create_sync(board_id: str) -> ResponseReturnValue:
    """Queue a sync (or join the one queued); 202 with the run and its job."""
    board = load_board(board_id)
    body = validate("sync_request", json_body() if request.content_length else {})
    dry_run = bool(body.get("dry_run", False))
    if not dry_run and not board.active:
        raise ConflictError(
            f"board {board_id!r} is not active: activate it first (a dry run is allowed)",
            details=[{"path": "$.dry_run", "message": "only a dry run is allowed while inactive"}],
        )
    res = request_sync(resources().redis, board_id, "manual", dry_run=dry_run)
    return jsonify({"run_id": res.run_id, "job_id": res.job_id, "joined": res.joined}), 202


@bp.get("/api/boards/<board_id>/syncs")
@require_admin
def list_syncs(board_id: str) -> ResponseReturnValue:
    """Run history of the board, newest first (without the change lists)."""
    load_board(board_id)
    recover_stale(resources().redis, board_id)
    limit = min(max(request.args.get("limit", 50, type=int), 1), 200)
    return jsonify({"runs": resources().runs.history(board_id, limit=limit)})


@bp.get("/api/syncs/<run_id>")
@require_admin
def get_sync(run_id: str) -> ResponseReturnValue:
    """One run; `?limit=N` returns only the first N errors and changes (totals are given)."""
    limit = request.args.get("limit", type=int)
    if limit is not None and limit < 0:
        raise ValidationError("limit must be >= 0", [{"path": "limit", "message": "negative"}])
    run = _run_or_404(run_id, limit)
    if run["state"] in ("queued", "running"):
        recover_stale(resources().redis, run["board"])
        run = _run_or_404(run_id, limit)
    totals = resources().runs.detail_counts(run_id)
    return jsonify({**run, "errors_total": totals["errors"], "changes_total": totals["changes"]})


@bp.post("/api/syncs/<run_id>/revert")
@require_admin
def revert_sync(run_id: str) -> ResponseReturnValue:
    """Queue a run restoring the old values of this run's changes; 202 with run and job."""
    run = _run_or_404(run_id)
    if run["dry_run"]:
        raise ConflictError("a dry run wrote nothing: there is nothing to revert")
    if run["state"] not in FINISHED:
        raise ConflictError(f"run {run_id} is {run['state']}: wait until it has finished")
    if not run["changes"]:
        raise ConflictError(f"run {run_id} changed nothing: there is nothing to revert")
    res = request_revert(resources().redis, run_id)
    return jsonify({"run_id": res.run_id, "job_id": res.job_id, "joined": res.joined}), 202


def register(app: Flask) -> None:
    """Register the sync engine's routes: scores, syncs and job status."""
    from bridge import jobs_api, scores_api

    for blueprint in (scores_api.bp, bp, jobs_api.bp):
        app.register_blueprint(blueprint)
