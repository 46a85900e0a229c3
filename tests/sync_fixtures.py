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
    jql_extra: str | None = None,
) -> Board:
    return Board(
        id=board_id,
        name="Shop priorities",
        emoji="🚀",
        jira_board_id=1,
        project_keys=project_keys,
        jql=jql_extra,
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


def wait_run(client, headers: dict[str, str], run_id: str, timeout: float = 90.0) -> dict:
    """Poll GET /api/syncs/<id> until the run has finished; returns its read."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/syncs/{run_id}", headers=headers).json
        if run["state"] in ("succeeded", "partial", "failed"):
            return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} still {run['state']} after {timeout}s: {run}")
        time.sleep(0.1)


def start_sync(client, headers: dict[str, str], board_id: str = "shop", **body) -> dict:
    r = client.post(f"/api/boards/{board_id}/syncs", json=body, headers=headers)
    assert r.status_code == 202, r.json
    return r.json


def put_scores(client, headers: dict[str, str], items: list[dict], board_id: str = "shop") -> None:
    r = client.put(f"/api/boards/{board_id}/scores", json={"scores": items}, headers=headers)
    assert r.status_code == 200, r.json
