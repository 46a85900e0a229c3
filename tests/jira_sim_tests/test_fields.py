"""Field list and custom field creation: admin only, type/searcher checks, JQL needs a searcher."""

from __future__ import annotations

from tests.jira_sim_tests.conftest import Call

CT = "com.atlassian.jira.plugin.system.customfieldtypes:"
FLOAT = {"name": "Priority Score", "type": CT + "float", "searcherKey": CT + "exactnumber"}


def test_field_list_is_a_bare_array_with_demo_fields(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/field")
    assert response.status_code == 200
    fields = {f["id"]: f for f in response.json()}
    assert fields["customfield_10100"]["name"] == "Business Value"
    assert fields["customfield_10100"]["schema"] == {
        "type": "number",
        "custom": CT + "float",
        "customId": 10100,
    }
    assert fields["customfield_10100"]["clauseNames"] == ["cf[10100]", "Business Value"]
    assert fields["customfield_10101"]["schema"]["type"] == "string"
    assert fields["summary"]["schema"] == {"type": "string", "system": "summary"}
    assert {"customfield_10002", "customfield_10019", "customfield_10020"} <= set(fields)


def test_create_field_answers_201_with_the_new_field_bean(admin: Call) -> None:
    response = admin("POST", "/rest/api/2/field", json=FLOAT)
    assert response.status_code == 201
    assert response.json() == {
        "id": "customfield_10200",
        "name": "Priority Score",
        "custom": True,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": ["cf[10200]", "Priority Score"],
        "schema": {"type": "number", "custom": CT + "float", "customId": 10200},
    }
    second = admin("POST", "/rest/api/2/field", json={**FLOAT, "name": "Other"}).json()
    assert second["id"] == "customfield_10201"
    listed = [f["id"] for f in admin("GET", "/rest/api/2/field").json()]
    assert "customfield_10200" in listed


def test_create_field_by_non_admin_is_403_and_creates_nothing(dev: Call, admin: Call) -> None:
    response = dev("POST", "/rest/api/2/field", json=FLOAT)
    assert response.status_code == 403
    assert response.json()["errorMessages"]
    assert all(f["name"] != "Priority Score" for f in admin("GET", "/rest/api/2/field").json())


def test_unknown_type_is_400_naming_type(admin: Call) -> None:
    response = admin("POST", "/rest/api/2/field", json={**FLOAT, "type": CT + "nope"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"type"}


def test_searcher_not_matching_type_is_400_naming_searcher(admin: Call) -> None:
    response = admin(
        "POST", "/rest/api/2/field", json={**FLOAT, "searcherKey": CT + "textsearcher"}
    )  # noqa: E501
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"searcherKey"}


def test_missing_name_is_400(admin: Call) -> None:
    response = admin("POST", "/rest/api/2/field", json={**FLOAT, "name": " "})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name"}


def test_unrecognized_property_is_refused_like_jackson(admin: Call) -> None:
    """atlassian-python-api once sent `search_key`; Jira refuses unknown properties."""
    body = {"name": "X", "type": CT + "float", "search_key": CT + "exactnumber"}
    response = admin("POST", "/rest/api/2/field", json=body)
    assert response.status_code == 400
    assert 'Unrecognized field "search_key"' in response.json()["errorMessages"][0]


def test_field_without_searcher_is_not_searchable_in_jql(admin: Call) -> None:
    created = admin("POST", "/rest/api/2/field", json={"name": "Hidden", "type": CT + "float"})
    assert created.status_code == 201
    assert created.json()["searchable"] is False
    assert created.json()["clauseNames"] == []
    response = admin("POST", "/rest/api/2/search", json={"jql": "cf[10200] > 1"})
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "Field 'cf[10200]' does not exist or you do not have permission to view it."
    ]
