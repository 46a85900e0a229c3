"""Agile REST: boards, configuration, sprints, board issues/backlog, filters reordering boards."""

from __future__ import annotations

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call
from tests.jira_sim_tests.webhook_receiver import Receiver

BV = "customfield_10100"


def test_board_list_is_a_page(admin: Call) -> None:
    body = admin("GET", "/rest/agile/1.0/board").json()
    assert body["total"] == 2 and body["isLast"] is True and body["startAt"] == 0
    assert [(b["id"], b["name"], b["type"]) for b in body["values"]] == [
        (1, "SHOP board", "scrum"),
        (2, "OPS board", "kanban"),
    ]
    assert body["values"][0]["location"]["projectKey"] == "SHOP"
    page = admin("GET", "/rest/agile/1.0/board", params={"maxResults": 1}).json()
    assert len(page["values"]) == 1 and page["isLast"] is False
    kanban = admin("GET", "/rest/agile/1.0/board", params={"type": "kanban"}).json()
    assert [b["id"] for b in kanban["values"]] == [2]


def test_board_get_and_404(admin: Call) -> None:
    assert admin("GET", "/rest/agile/1.0/board/2").json()["name"] == "OPS board"
    missing = admin("GET", "/rest/agile/1.0/board/99")
    assert missing.status_code == 404
    assert missing.json()["errorMessages"]


def test_board_configuration(admin: Call) -> None:
    config = admin("GET", "/rest/agile/1.0/board/1/configuration").json()
    assert config["filter"]["id"] == "10000"
    assert config["ranking"] == {"rankCustomFieldId": 10019}
    assert config["estimation"]["field"]["fieldId"] == "customfield_10002"
    assert [c["name"] for c in config["columnConfig"]["columns"]] == [
        "To Do",
        "In Progress",
        "Done",
    ]  # noqa: E501
    kanban = admin("GET", "/rest/agile/1.0/board/2/configuration").json()
    assert "subQuery" in kanban and kanban["filter"]["id"] == "10001"


def test_board_sprints_and_state_filter(admin: Call) -> None:
    body = admin("GET", "/rest/agile/1.0/board/1/sprint").json()
    assert [(s["id"], s["state"]) for s in body["values"]] == [(1, "active"), (2, "future")]
    future = admin("GET", "/rest/agile/1.0/board/1/sprint", params={"state": "future"}).json()
    assert [s["name"] for s in future["values"]] == ["SHOP Sprint 2"]


def test_kanban_board_has_no_sprints(admin: Call) -> None:
    response = admin("GET", "/rest/agile/1.0/board/2/sprint")
    assert response.status_code == 400
    assert response.json()["errorMessages"] == ["The board does not support sprints"]


def test_sprint_get_and_404(admin: Call) -> None:
    sprint = admin("GET", "/rest/agile/1.0/sprint/1").json()
    assert sprint["name"] == "SHOP Sprint 1" and sprint["originBoardId"] == 1
    assert sprint["state"] == "active" and "startDate" in sprint
    assert admin("GET", "/rest/agile/1.0/sprint/77").status_code == 404


def test_close_then_start_sprint(jira: SimServer, admin: Call) -> None:
    closed = admin("POST", "/rest/agile/1.0/sprint/1", json={"state": "closed"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert "completeDate" in closed.json()
    # Unfinished issues of the closed sprint go back to the backlog; Done ones stay.
    assert jira.field("SHOP-1", "customfield_10020") is None
    assert jira.field("SHOP-7", "customfield_10020") is not None  # SHOP-7 is Done
    started = admin(
        "POST",
        "/rest/agile/1.0/sprint/2",
        json={"state": "active", "startDate": "2026-12-07T09:00:00.000+0000",
              "endDate": "2026-12-21T09:00:00.000+0000"},
    )  # fmt: skip
    assert started.status_code == 200 and started.json()["state"] == "active"


def test_invalid_sprint_transitions_are_400(admin: Call, dev: Call) -> None:
    no_dates = admin("POST", "/rest/agile/1.0/sprint/2", json={"state": "active"})
    assert no_dates.status_code == 400 and "startDate" in no_dates.json()["errors"]
    reopen = admin("POST", "/rest/agile/1.0/sprint/1", json={"state": "future"})
    assert reopen.status_code == 400
    assert dev("POST", "/rest/agile/1.0/sprint/1", json={"name": "x"}).status_code == 403


def test_board_issues_follow_the_filter_order(admin: Call) -> None:
    body = admin("GET", "/rest/agile/1.0/board/1/issue", params={"maxResults": 3}).json()
    assert [i["key"] for i in body["issues"]] == ["SHOP-1", "SHOP-2", "SHOP-3"]
    assert body["total"] == 30


def test_backlog_excludes_open_sprints_and_done(admin: Call) -> None:
    body = admin("GET", "/rest/agile/1.0/board/1/backlog", params={"fields": "summary"}).json()
    keys = [i["key"] for i in body["issues"]]
    assert keys[0] == "SHOP-22"  # 21 is Done, 1..20 are in sprints
    assert "SHOP-25" not in keys and "SHOP-28" not in keys  # Closed, Done


def test_filter_get_and_put_reorders_the_board(admin: Call) -> None:
    flt = admin("GET", "/rest/api/2/filter/10000").json()
    assert flt["jql"] == "project = SHOP ORDER BY Rank ASC"
    assert flt["owner"]["name"] == "admin" and flt["editable"] is True
    admin("PUT", "/rest/api/2/issue/SHOP-9", json={"fields": {BV: 99}})
    updated = admin("PUT", "/rest/api/2/filter/10000",
                    json={"jql": "project = SHOP ORDER BY cf[10100] DESC"})  # fmt: skip
    assert updated.status_code == 200
    assert updated.json()["jql"] == "project = SHOP ORDER BY cf[10100] DESC"
    issues = admin("GET", "/rest/agile/1.0/board/1/issue", params={"maxResults": 1}).json()
    assert issues["issues"][0]["key"] == "SHOP-9"


def test_filter_put_with_bad_jql_changes_nothing(admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/filter/10000", json={"jql": "ORDER BY nope"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "jql": "Field 'nope' does not exist or you do not have permission to view it."
    }
    assert admin("GET", "/rest/api/2/filter/10000").json()["jql"].endswith("Rank ASC")


def test_filter_put_by_non_owner_is_refused(dev: Call) -> None:
    response = dev("PUT", "/rest/api/2/filter/10000", json={"jql": "project = SHOP"})
    assert response.status_code == 400
    assert response.json()["errorMessages"] == ["You do not have permission to edit this filter."]


def test_filter_404(admin: Call) -> None:
    assert admin("GET", "/rest/api/2/filter/5").status_code == 404


def test_board_issues_with_extra_jql(admin: Call) -> None:
    params = {"jql": "issuetype = Bug", "fields": "issuetype"}
    body = admin("GET", "/rest/agile/1.0/board/1/issue", params=params).json()
    assert [i["key"] for i in body["issues"]] == [f"SHOP-{n}" for n in (5, 10, 15, 20, 25, 30)]


def test_filter_update_delivers_filter_updated(admin: Call, receiver: Receiver) -> None:
    hook = {"name": "f", "url": receiver.url + "/f", "events": ["filter_updated"]}
    admin("POST", "/rest/jira-webhook/1.0/webhooks", json=hook)
    admin("PUT", "/rest/api/2/filter/10001", json={"jql": "project = OPS ORDER BY key DESC"})
    [delivery] = receiver.wait_for(1)
    assert delivery.body["webhookEvent"] == "filter_updated"
    assert delivery.body["filter"]["jql"] == "project = OPS ORDER BY key DESC"
