"""Setup jobs (thin): create fields in Jira, refresh + preflight, board configuration.

Each takes the board id, re-reads everything it needs, is safe to run twice, stores its report
on the board and returns a JSON-able result (read through GET /api/jobs/<id>).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from worker import runtime
from worker.jira import JiraClient
from worker.services import board_config, fields_setup
from worker.services.preflight import run_preflight


def _refresh(rt: runtime.Runtime, jira: JiraClient, board_id: str) -> dict[str, Any]:
    report = run_preflight(jira, rt.boards.get(board_id))
    rt.boards.update(board_id, lambda b: dataclasses.replace(b, preflight=report))
    return {k: v for k, v in report.items() if k != "jira_fields"}


def refresh_board(board_id: str) -> dict[str, Any]:
    """Re-read Jira's fields and the agile board, run the preflight, store the report."""
    rt = runtime.current()
    return _refresh(rt, rt.jira(), board_id)


def create_fields_in_jira(board_id: str) -> dict[str, Any]:
    """Create (or reuse) the unmapped fields, put them on the screens, map them, then refresh."""
    rt = runtime.current()
    jira = rt.jira()
    result = fields_setup.create_fields_in_jira(rt.redis, jira, board_id)
    result["preflight"] = _refresh(rt, jira, board_id)
    return result


def apply_board_config(board_id: str) -> dict[str, Any]:
    """Card layout in backlog and active sprint, optional board order; stores the report."""
    rt = runtime.current()
    return board_config.apply_board_config(rt.redis, rt.jira(), board_id)


def revert_board_config(board_id: str) -> dict[str, Any]:
    """Undo what apply_board_config changed on the Jira board."""
    rt = runtime.current()
    return board_config.revert_board_config(rt.redis, rt.jira(), board_id)
