"""Helpers for tests/worker/test_setup*.py: a Jira client on the simulator, demo boards."""

from __future__ import annotations

from typing import Any

from worker.jira import JiraClient
from worker.model import Board, Criterion, Options, SyncField
from worker.settings import JiraSettings

SHOP_SCREENS = {10000: 10100, 10001: 10101}
"""The demo dataset's SHOP screens -> their first tab."""
DEFAULT_SCREENS = {1: 10000, 2: 10001, 3: 10002}


def client_for(sim: Any, token: str = "demo-admin-token") -> JiraClient:
    return JiraClient(JiraSettings(base_url=sim.url, token=token))


def shop_board(fields: tuple[SyncField, ...] | None = None, **kw: Any) -> Board:
    board = Board(
        id="shop",
        name="Shop roadmap",
        emoji="🛒",
        jira_board_id=1,
        project_keys=("SHOP",),
        criteria=(Criterion("reach", "Reach"),),
        options=kw.pop("options", Options()),
        **kw,
    )
    if fields is None:
        fields = (
            SyncField("priority", board.default_field_name("priority")),
            SyncField("score_status", board.default_field_name("score_status")),
        )
    return Board(**{**board.__dict__, "fields": fields})


def tab_field_ids(sim: Any, screen: int, tab: int) -> list[str]:
    return [
        f["id"] for f in sim.admin("GET", f"/rest/api/2/screens/{screen}/tabs/{tab}/fields").json()
    ]


def jira_field(sim: Any, field_id: str) -> dict[str, Any]:
    found = [f for f in sim.admin("GET", "/rest/api/2/field").json() if f["id"] == field_id]
    assert len(found) == 1, field_id
    return found[0]


def card_fields(sim: Any, mode: str, board: int = 1) -> list[str]:
    body = sim.admin("GET", f"/rest/greenhopper/1.0/cardlayout/{board}/{mode}/field").json()
    return [c["fieldId"] for c in body["currentFields"]]
