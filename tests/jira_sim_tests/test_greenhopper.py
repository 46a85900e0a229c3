"""Greenhopper card layout (planMode/workMode, 3 fields each) and the rapidviewconfig edit model."""

from __future__ import annotations

import pytest

from tests.jira_sim_tests.conftest import Call

PLAN = "/rest/greenhopper/1.0/cardlayout/1/planMode/field"


def test_add_list_and_remove_card_fields(admin: Call) -> None:
    added = admin("POST", PLAN, json={"fieldId": "customfield_10100"})
    assert added.status_code == 200
    item = added.json()
    assert item["fieldId"] == "customfield_10100" and item["mode"] == "planMode"
    assert item["name"] == "Business Value" and item["isValid"] is True
    listed = admin("GET", PLAN).json()["currentFields"]
    assert listed == [item]
    work = admin("GET", "/rest/greenhopper/1.0/cardlayout/1/workMode/field").json()
    assert work["currentFields"] == []
    assert admin("DELETE", f"{PLAN}/{item['id']}").status_code == 204
    assert admin("GET", PLAN).json()["currentFields"] == []


def test_fourth_field_in_a_mode_is_400(admin: Call) -> None:
    for fid in ("customfield_10100", "customfield_10101", "customfield_10002"):
        assert admin("POST", PLAN, json={"fieldId": fid}).status_code == 200
    fourth = admin("POST", PLAN, json={"fieldId": "customfield_10020"})
    assert fourth.status_code == 400
    assert fourth.json()["errorMessages"] == ["A card can show at most 3 extra fields in planMode."]
    # The other mode has its own three.
    work = "/rest/greenhopper/1.0/cardlayout/1/workMode/field"
    assert admin("POST", work, json={"fieldId": "customfield_10020"}).status_code == 200
    assert len(admin("GET", PLAN).json()["currentFields"]) == 3


@pytest.mark.parametrize("mode", ["WORK", "plan", "workmode"])
def test_mode_must_be_exact(admin: Call, mode: str) -> None:
    path = f"/rest/greenhopper/1.0/cardlayout/1/{mode}/field"
    response = admin("POST", path, json={"fieldId": "customfield_10100"})
    assert response.status_code == 400


def test_duplicate_and_unknown_fields_are_400(admin: Call) -> None:
    assert admin("POST", PLAN, json={"fieldId": "customfield_10100"}).status_code == 200
    duplicate = admin("POST", PLAN, json={"fieldId": "customfield_10100"})
    assert duplicate.status_code == 400 and "fieldId" in duplicate.json()["errors"]
    unknown = admin("POST", PLAN, json={"fieldId": "customfield_4242"})
    assert unknown.status_code == 400 and "fieldId" in unknown.json()["errors"]


def test_non_admin_cannot_change_card_layout(dev: Call) -> None:
    assert dev("POST", PLAN, json={"fieldId": "customfield_10100"}).status_code == 403
    assert dev("GET", PLAN).status_code == 200


def test_remove_unknown_item_is_404(admin: Call) -> None:
    assert admin("DELETE", f"{PLAN}/4242").status_code == 404


def test_edit_model_shows_filter_columns_and_card_layout(admin: Call) -> None:
    admin("POST", PLAN, json={"fieldId": "customfield_10100"})
    model = admin(
        "GET", "/rest/greenhopper/1.0/rapidviewconfig/editmodel", params={"rapidViewId": 1}
    ).json()
    assert model["filterConfig"]["query"] == "project = SHOP ORDER BY Rank ASC"
    assert [c["name"] for c in model["rapidListConfig"]["mappedColumns"]] == [
        "To Do",
        "In Progress",
        "Done",
    ]
    assert [f["fieldId"] for f in model["cardLayoutConfig"]["currentFields"]] == [
        "customfield_10100"
    ]
    missing = admin(
        "GET", "/rest/greenhopper/1.0/rapidviewconfig/editmodel", params={"rapidViewId": 9}
    )
    assert missing.status_code == 404
