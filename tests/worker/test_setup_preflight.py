"""The preflight against the simulator: mapped, typed, on the edit screen of each issue type."""

from __future__ import annotations

import dataclasses

import pytest

from tests.worker.setup_support import client_for, shop_board
from worker.model import SyncField
from worker.services.fields_setup import create_fields_in_jira
from worker.services.preflight import fingerprint, run_preflight
from worker.store import BoardStore


@pytest.fixture
def boards(redis):
    return BoardStore(redis)


def created_board(jira, redis, boards):
    boards.create(shop_board())
    create_fields_in_jira(redis, client_for(jira), "shop")
    return boards.get("shop")


def test_unmapped_fields_fail_and_name_themselves(jira, redis, boards):
    board = shop_board()
    report = run_preflight(client_for(jira), board)
    assert report["ok"] is False
    assert [(p["code"], p["source"]) for p in report["problems"]] == [
        ("not_mapped", "priority"),
        ("not_mapped", "score_status"),
    ]
    assert report["fingerprint"] == fingerprint(board)
    assert report["jira_board"] == {"id": 1, "name": "SHOP board", "filter_id": "10000"}


def test_created_fields_pass_on_every_issue_type(jira, redis, boards):
    board = created_board(jira, redis, boards)
    report = run_preflight(client_for(jira), board)
    assert report["ok"] is True, report["problems"]
    assert {(c["project"], c["issue_type"]) for c in report["checked"]} == {
        ("SHOP", "Story"),
        ("SHOP", "Task"),
        ("SHOP", "Bug"),
    }
    mapped = {f.tracker_field for f in board.fields}
    assert all(set(c["fields"]) == mapped for c in report["checked"])
    kinds = {f["id"]: f["kind"] for f in report["jira_fields"]}
    assert kinds["customfield_10100"] == "number"
    assert kinds["customfield_10101"] == "string"
    assert kinds["customfield_10020"] is None  # Sprint: not writable by us


def test_field_missing_from_bug_screen_names_project_issue_type_and_field(jira, redis, boards):
    board = created_board(jira, redis, boards)
    priority = board.fields[0].tracker_field
    jira.admin("DELETE", f"/rest/api/2/screens/10001/tabs/10101/fields/{priority}")
    report = run_preflight(client_for(jira), board)
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem["code"] == "not_on_screen"
    assert (problem["project"], problem["issue_type"], problem["field"]) == (
        "SHOP",
        "Bug",
        priority,
    )
    assert "SHOP · Bug" in problem["message"]
    assert f"'Priority 🛒 Ducalis' ({priority})" in problem["message"]


def test_wrong_type_and_missing_fields(jira):
    board = shop_board(
        fields=(
            SyncField("priority", "P", "customfield_10101"),
            SyncField("score", "S", "customfield_77777"),
        )
    )
    report = run_preflight(client_for(jira), board)
    codes = {p["source"]: p["code"] for p in report["problems"]}
    assert codes == {"priority": "wrong_type", "score": "missing"}
    assert "Team Notes" in report["problems"][0]["message"]


def test_unknown_project_and_board_are_problems_not_crashes(jira):
    board = dataclasses.replace(shop_board(), project_keys=("NOPE",), jira_board_id=99)
    report = run_preflight(client_for(jira), board)
    codes = {p["code"] for p in report["problems"]}
    assert {"board_missing", "scope_invalid"} <= codes


def test_sampling_cost_follows_issue_types_not_backlog_size(jira, redis, boards):
    jira.reset(dataset="demo", issues=3000)
    board = created_board(jira, redis, boards)
    before = jira.stats()["requests"].get("POST /rest/api/2/search", 0)
    report = run_preflight(client_for(jira), board)
    searches = jira.stats()["requests"].get("POST /rest/api/2/search", 0) - before
    assert report["ok"] is True, report["problems"]
    assert len(report["checked"]) == 3
    assert searches <= 4  # three issue types, then one empty answer


def test_closed_issues_are_a_warning_not_a_refusal(jira, redis, boards):
    board = created_board(jira, redis, boards)
    jql = "(issuetype = Bug AND status = Closed) OR issuetype = Story"
    board = dataclasses.replace(board, jql=jql)
    report = run_preflight(client_for(jira), board)
    assert report["ok"] is True, report["problems"]
    [warning] = report["warnings"][-1:]
    assert warning["code"] == "not_editable"
    assert warning["issue_type"] == "Bug"
    assert "could not be checked" in warning["message"]


def test_a_board_without_fields_cannot_pass(jira):
    report = run_preflight(client_for(jira), shop_board(fields=()))
    assert [p["code"] for p in report["problems"]] == ["no_fields"]


def test_nothing_editable_at_all_is_a_problem(jira, redis, boards):
    board = dataclasses.replace(created_board(jira, redis, boards), jql="status = Closed")
    report = run_preflight(client_for(jira), board)
    assert report["ok"] is False
    assert [p["code"] for p in report["problems"]] == ["nothing_editable"]
    assert "'Edit Issues' permission" in report["problems"][0]["message"]
