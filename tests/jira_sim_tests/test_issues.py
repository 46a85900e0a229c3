"""GET/PUT issue and editmeta: screens, notifyUsers, type errors, 404, non-editable statuses."""

from __future__ import annotations

import pytest

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call

BV, NOTES = "customfield_10100", "customfield_10101"
NOT_ON_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."


def test_get_issue_by_key_and_by_id(admin: Call) -> None:
    by_key = admin("GET", "/rest/api/2/issue/SHOP-3").json()
    assert by_key["key"] == "SHOP-3"
    assert by_key["fields"]["issuetype"]["name"] == "Task"
    assert by_key["fields"]["project"]["key"] == "SHOP"
    assert by_key["fields"]["customfield_10020"][0].endswith("goal=Checkout revamp]")
    by_id = admin("GET", f"/rest/api/2/issue/{by_key['id']}").json()
    assert by_id["key"] == "SHOP-3"


def test_get_issue_fields_selection(admin: Call) -> None:
    body = admin("GET", "/rest/api/2/issue/SHOP-1", params={"fields": "summary,customfield_10100"})
    assert set(body.json()["fields"]) == {"summary", BV}


@pytest.mark.parametrize("key", ["SHOP-31", "NOPE-1", "SHOP-0", "99999999"])
def test_missing_issue_is_404(admin: Call, key: str) -> None:
    response = admin("GET", f"/rest/api/2/issue/{key}")
    assert response.status_code == 404
    assert response.json() == {"errorMessages": ["Issue Does Not Exist"], "errors": {}}
    put = admin("PUT", f"/rest/api/2/issue/{key}", json={"fields": {BV: 1}})
    assert put.status_code == 404


def test_editmeta_lists_the_issues_edit_screen(admin: Call) -> None:
    shop = admin("GET", "/rest/api/2/issue/SHOP-1/editmeta").json()["fields"]
    assert shop[BV]["schema"]["type"] == "number"
    assert shop[BV]["operations"] == ["set"]
    assert NOTES in shop
    ops = admin("GET", "/rest/api/2/issue/OPS-1/editmeta").json()["fields"]
    assert BV not in ops and "summary" in ops
    bug = admin("GET", "/rest/api/2/issue/SHOP-5/editmeta").json()["fields"]  # Bug screen
    assert BV in bug


def test_put_writes_and_answers_204(jira: SimServer, admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {BV: 13, NOTES: "hi"}})
    assert response.status_code == 204
    assert response.content == b""
    assert jira.field("SHOP-2", BV) == 13.0
    assert jira.field("SHOP-2", NOTES) == "hi"
    assert jira.stats()["issue_writes"] == 1


def test_put_with_update_set_operation(jira: SimServer, admin: Call) -> None:
    body = {"update": {BV: [{"set": 4.5}]}}
    assert admin("PUT", "/rest/api/2/issue/SHOP-2", json=body).status_code == 204
    assert jira.field("SHOP-2", BV) == 4.5


def test_field_not_on_screen_is_400_with_jiras_message(jira: SimServer, admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/issue/OPS-1", json={"fields": {BV: 5}})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {BV: NOT_ON_SCREEN.format(BV)}}
    assert jira.field("OPS-1", BV) is None


def test_unknown_field_gets_the_same_message(admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {"customfield_1": 5}})
    assert response.json()["errors"] == {"customfield_1": NOT_ON_SCREEN.format("customfield_1")}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (BV, "high", "Operation value must be a number"),
        (BV, True, "Operation value must be a number"),
        (NOTES, 12, "Operation value must be a string"),
        (
            NOTES,
            "x" * 256,
            "The entered text is too long. It exceeds the allowed limit of 255 characters.",
        ),  # noqa: E501
        ("summary", "", "You must specify a summary of the issue."),
    ],
)
def test_type_errors_are_400_per_field(
    admin: Call, field: str, value: object, message: str
) -> None:  # noqa: E501
    response = admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {field: value}})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {field: message}}


def test_one_bad_field_means_nothing_is_written(jira: SimServer, admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {BV: 3, NOTES: 7}})
    assert response.status_code == 400
    assert jira.field("SHOP-1", BV) is None
    assert jira.stats()["issue_writes"] == 0


def test_notify_users_false_by_non_admin_is_403(jira: SimServer, dev: Call) -> None:
    response = dev("PUT", "/rest/api/2/issue/SHOP-1?notifyUsers=false", json={"fields": {BV: 1}})
    assert response.status_code == 403
    assert response.json() == {
        "errorMessages": [
            "To discard the user notification either admin or project admin permissions are required."  # noqa: E501
        ],
        "errors": {},
    }
    assert jira.field("SHOP-1", BV) is None


def test_non_admin_may_edit_with_notifications(jira: SimServer, dev: Call) -> None:
    response = dev("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {BV: 2}})
    assert response.status_code == 204
    assert jira.field("SHOP-1", BV) == 2.0


def test_admin_may_suppress_notifications(admin: Call) -> None:
    response = admin("PUT", "/rest/api/2/issue/SHOP-1?notifyUsers=false", json={"fields": {BV: 2}})
    assert response.status_code == 204


def test_closed_issue_is_not_editable(jira: SimServer, admin: Call) -> None:
    """SHOP-25 is Closed; its workflow step has jira.issue.editable=false."""
    assert jira.issue("SHOP-25")["fields"]["status"]["name"] == "Closed"
    assert admin("GET", "/rest/api/2/issue/SHOP-25/editmeta").json() == {"fields": {}}
    response = admin("PUT", "/rest/api/2/issue/SHOP-25", json={"fields": {BV: 1}})
    assert response.status_code == 400
    assert response.json()["errors"] == {BV: NOT_ON_SCREEN.format(BV)}


def test_malformed_json_is_400(admin: Call) -> None:
    response = admin(
        "PUT",
        "/rest/api/2/issue/SHOP-1",
        data="{nope",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errorMessages"]


def test_writes_survive_reads_but_not_reset(jira: SimServer, admin: Call) -> None:
    admin("PUT", "/rest/api/2/issue/SHOP-4", json={"fields": {BV: 8}})
    assert jira.field("SHOP-4", BV) == 8.0
    jira.reset()
    assert jira.field("SHOP-4", BV) is None
