"""Screens, tabs, tab fields and addToDefault (§3): admin only, shapes by version."""

from __future__ import annotations

import pytest

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call

SCREEN_NAMES = {
    1: "Default Screen",
    2: "Workflow Screen",
    3: "Resolve Issue Screen",
    10000: "SHOP: Scrum Default Issue Screen",
    10001: "SHOP: Scrum Bug Screen",
}


def test_screens_on_10_3_are_a_bare_array(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/screens")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert {s["id"]: s["name"] for s in body} == SCREEN_NAMES


def test_screens_on_9_12_are_a_page(jira: SimServer, admin: Call) -> None:
    jira.reset(version="9.12")
    body = admin("GET", "/rest/api/2/screens").json()
    assert isinstance(body, dict)
    assert body["total"] == 5 and body["isLast"] is True
    assert {s["id"]: s["name"] for s in body["values"]} == SCREEN_NAMES


def test_screens_need_an_administrator(dev: Call) -> None:
    response = dev("GET", "/rest/api/2/screens")
    assert response.status_code == 401
    assert response.json()["errorMessages"]


def test_tabs_and_tab_fields(admin: Call) -> None:
    tabs = admin("GET", "/rest/api/2/screens/10000/tabs").json()
    assert tabs == [{"id": 10100, "name": "Field Tab"}]
    fields = admin("GET", "/rest/api/2/screens/10000/tabs/10100/fields").json()
    by_id = {f["id"]: f for f in fields}
    assert by_id["customfield_10100"] == {
        "id": "customfield_10100",
        "name": "Business Value",
        "type": "custom",
    }
    assert by_id["summary"]["type"] == "system"


def test_unknown_screen_is_400(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/screens/999/tabs")
    assert response.status_code == 400
    assert response.json()["errorMessages"] == ["Screen with id 999 does not exist"]


def test_add_field_to_tab_then_it_is_editable(admin: Call) -> None:
    assert (
        "customfield_10100" not in admin("GET", "/rest/api/2/issue/OPS-1/editmeta").json()["fields"]
    )  # noqa: E501
    response = admin(
        "POST", "/rest/api/2/screens/1/tabs/10000/fields", json={"fieldId": "customfield_10100"}
    )  # noqa: E501
    assert response.status_code == 200
    assert response.json()["id"] == "customfield_10100"
    assert "customfield_10100" in admin("GET", "/rest/api/2/issue/OPS-1/editmeta").json()["fields"]


@pytest.mark.parametrize(
    ("field_id", "message"),
    [
        ("customfield_10100", "Field with id 'customfield_10100' already exists on the screen."),
        ("customfield_99999", "Field with id 'customfield_99999' does not exist."),
    ],
)
def test_add_field_to_tab_refusals(admin: Call, field_id: str, message: str) -> None:
    path = "/rest/api/2/screens/10000/tabs/10100/fields"
    response = admin("POST", path, json={"fieldId": field_id})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {"fieldId": message}}


def test_add_tab(admin: Call) -> None:
    response = admin("POST", "/rest/api/2/screens/1/tabs", json={"name": "Scores"})
    assert response.status_code == 200
    tab = response.json()
    assert tab["name"] == "Scores" and tab["id"] >= 10200
    assert tab in admin("GET", "/rest/api/2/screens/1/tabs").json()


def test_add_to_default_touches_only_the_default_screen(admin: Call) -> None:
    """Scrum projects use their own screens, so addToDefault does not make SHOP editable."""
    created = admin("POST", "/rest/api/2/field", json={
        "name": "Score", "type": "com.atlassian.jira.plugin.system.customfieldtypes:float",
    }).json()  # fmt: skip
    fid = created["id"]
    response = admin("POST", f"/rest/api/2/screens/addToDefault/{fid}")
    assert response.status_code == 204
    assert fid in [f["id"] for f in admin("GET", "/rest/api/2/screens/1/tabs/10000/fields").json()]
    assert fid in admin("GET", "/rest/api/2/issue/OPS-1/editmeta").json()["fields"]
    assert fid not in admin("GET", "/rest/api/2/issue/SHOP-1/editmeta").json()["fields"]
    refused = admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {fid: 3}})
    assert refused.status_code == 400
    assert admin("PUT", "/rest/api/2/issue/OPS-1", json={"fields": {fid: 3}}).status_code == 204


def test_available_fields_lists_fields_not_on_screen(admin: Call) -> None:
    ids = [f["id"] for f in admin("GET", "/rest/api/2/screens/1/availableFields").json()]
    assert "customfield_10100" in ids and "summary" not in ids


def test_remove_field_from_tab(admin: Call) -> None:
    path = "/rest/api/2/screens/10000/tabs/10100/fields"
    assert admin("DELETE", path + "/customfield_10101").status_code == 204
    assert "customfield_10101" not in [f["id"] for f in admin("GET", path).json()]


def test_screens_page_on_9_12_follows_start_and_max(jira: SimServer, admin: Call) -> None:
    jira.reset(version="9.12")
    body = admin("GET", "/rest/api/2/screens", params={"startAt": 1, "maxResults": 2}).json()
    assert [s["id"] for s in body["values"]] == [2, 3]
    assert body["isLast"] is False and body["total"] == 5
