"""What every board route shares: load a board (404), render a board read, change a board
atomically (nothing changes when the change raises), enqueue a setup job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bridge.errors import ConflictError, NotFoundError
from bridge.extensions import resources
from worker.jobs import schedule as schedule_jobs
from worker.model import Board
from worker.services import schedules
from worker.store import BoardNotFoundError

JOB_TIMEOUT_S = 900
JOB_RESULT_TTL_S = 7 * 24 * 3600
"""Setup job results stay readable through /api/jobs/<id> for a week."""


def not_found(board_id: str) -> NotFoundError:
    """A 404 naming the board."""
    return NotFoundError(
        f"no board {board_id!r}", details=[{"path": "$", "message": f"unknown board {board_id!r}"}]
    )


def load_board(board_id: str) -> Board:
    """The board, or a 404 naming it."""
    try:
        return resources().boards.get(board_id)
    except BoardNotFoundError:
        raise not_found(board_id) from None


def change_board(board_id: str, change: Callable[[Board], Board]) -> Board:
    """Apply `change` under WATCH; an ApiError raised by it leaves the stored board untouched."""
    try:
        return resources().boards.update(board_id, change)
    except BoardNotFoundError:
        raise not_found(board_id) from None


def require_inactive(board: Board, what: str) -> None:
    """The activation lock (DESIGN §3): 409 with the reason while the board is active."""
    if board.active:
        raise ConflictError(
            f"board {board.id!r} is active: {what} cannot change while Sync Back is on; "
            "deactivate it, make the change, then activate it again",
            code="board_active",
        )


def board_view(board: Board) -> dict[str, Any]:
    """A board read: its keys plus active, schedule, options, preflight, last_run, next_run."""
    data = board.to_dict()
    data["last_run"] = resources().runs.latest(board.id)
    planned = schedules.scheduled_jobs(resources().redis, board.id).values()
    data["next_run"] = min(planned).isoformat() if planned else None
    return data


def replan(board_id: str) -> None:
    """After a schedule, activation or deletion change: bring the planned runs in line.

    Custom slots are planned from Redis alone; sprint ends need the active sprints from Jira,
    which a job reads (the bridge does not call Jira in a request).
    """
    res = resources()
    schedules.plan_board(res.redis, board_id)
    try:
        board = res.boards.get(board_id)
    except BoardNotFoundError:
        return
    if board.active and board.schedule.mode == "sprint_end" and res.settings.jira.base_url:
        enqueue_setup(schedule_jobs.plan_board_sprints, board)


def enqueue_setup(function: Callable[[str], Any], board: Board) -> str:
    """Enqueue a setup job for the board; returns the job id the caller polls."""
    job = resources().queue.enqueue(
        function,
        board.id,
        job_timeout=JOB_TIMEOUT_S,
        result_ttl=JOB_RESULT_TTL_S,
        description=f"{function.__name__}({board.id})",
    )
    return job.id
