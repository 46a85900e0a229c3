"""Issues Jira will not edit: a Closed workflow step is skipped; a field off the screen fails.

Real worker process, real Redis, the simulator over HTTP (demo: SHOP-25 is Closed, its editmeta
is empty; OPS uses the Default Screen, which does not hold Business Value or Team Notes).
"""

from __future__ import annotations

import pytest

from tests.conftest import base_env
from tests.sync_fixtures import PRIORITY_FIELD, make_board, put_scores, start_sync, wait_run
from worker.store import BoardStore

pytestmark = pytest.mark.slow

EDITMETA = "GET /rest/api/2/issue/{key}/editmeta"
SCORES = [{"issue": f"SHOP-{i}", "score": float(i)} for i in range(21, 31)]


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    return base_env(redis_url, jira.url)


def editmeta_calls(jira) -> int:
    return jira.stats()["requests"].get(EDITMETA, 0)


def test_closed_issue_is_skipped_and_the_run_succeeds(
    client, auth_headers, redis, jira, worker
) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)  # SHOP-21..30, SHOP-25 Closed
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "succeeded", run
    assert run["counts"] == {
        "in_scope": 30, "written": 9, "unchanged": 0, "skipped": 21, "failed": 0
    }  # fmt: skip
    assert run["errors"] == [
        {
            "issue": "SHOP-25",
            "field": None,
            "code": "not_editable",
            "message": "SHOP-25 is in status Closed, where Jira does not allow edits; skipped",
        }
    ]
    assert "SHOP-25" not in {c["issue"] for c in run["changes"]}
    assert jira.field("SHOP-25", PRIORITY_FIELD) is None
    written = [s["issue"] for s in SCORES if s["issue"] != "SHOP-25"]
    assert all(jira.field(key, PRIORITY_FIELD) is not None for key in written)
    assert editmeta_calls(jira) == 1  # only the refused issue is checked

    again = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert again["state"] == "succeeded", again
    assert again["counts"]["written"] == 0 and again["counts"]["unchanged"] == 9
    assert [e["code"] for e in again["errors"]] == ["not_editable"]
    assert editmeta_calls(jira) == 2

    writes = jira.stats()["issue_writes"]
    dry = wait_run(client, auth_headers, start_sync(client, auth_headers, dry_run=True)["run_id"])
    assert dry["state"] == "succeeded" and dry["errors"] == []
    assert {c["issue"] for c in dry["changes"]} == {"SHOP-25"}  # planned; Jira not asked
    assert editmeta_calls(jira) == 2 and jira.stats()["issue_writes"] == writes


def test_field_off_the_edit_screen_stays_failed_with_jiras_message(
    client, auth_headers, redis, jira, worker
) -> None:
    # OPS issues are editable (editmeta lists summary etc.) but our fields are not on their
    # screen: a configuration problem for the admin, not a workflow status to skip.
    BoardStore(redis).create(make_board(board_id="ops", project_keys=("OPS",)))
    scores = [{"issue": f"OPS-{i}", "score": float(i)} for i in (1, 2)]
    put_scores(client, auth_headers, scores, board_id="ops")
    run = wait_run(client, auth_headers, start_sync(client, auth_headers, board_id="ops")["run_id"])
    assert run["state"] == "partial", run
    assert run["counts"]["failed"] == 2 and run["counts"]["skipped"] == 8
    assert {e["issue"] for e in run["errors"]} == {"OPS-1", "OPS-2"}
    assert {e["code"] for e in run["errors"]} == {"jira_invalid"}
    assert all("cannot be set" in e["message"] for e in run["errors"])
    assert {e["field"] for e in run["errors"]} == {PRIORITY_FIELD, "customfield_10101"}
    assert editmeta_calls(jira) == 2  # each refused issue checked once
