"""Boards and scores for the sync engine's tests (boards go straight into BoardStore)."""

from __future__ import annotations

from worker.model import Board, Criterion, Options, SyncField

PRIORITY_FIELD = "customfield_10100"  # demo dataset's "Business Value" float, on SHOP screens
TEXT_FIELD = "customfield_10101"  # "Team Notes" textfield, on SHOP screens


def make_board(
    board_id: str = "shop",
    fields: tuple[SyncField, ...] | None = None,
    active: bool = True,
    options: Options | None = None,
    project_keys: tuple[str, ...] = ("SHOP",),
) -> Board:
    return Board(
        id=board_id,
        name="Shop priorities",
        emoji="🚀",
        jira_board_id=1,
        project_keys=project_keys,
        fields=fields
        if fields is not None
        else (
            SyncField("priority", "Priority 🚀 Ducalis", PRIORITY_FIELD),
            SyncField("score_status", "Score Status 🚀 Ducalis", TEXT_FIELD),
        ),
        criteria=(Criterion("value", "Value", 2.0), Criterion("effort", "Effort", -1.0)),
        active=active,
        options=options or Options(),
    )
