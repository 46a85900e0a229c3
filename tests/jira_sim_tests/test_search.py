"""Search (GET and POST): the JQL subset, ORDER BY, fields, paging, 1000 cap, Jira's errors."""

from __future__ import annotations

import pytest

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call

BV = "customfield_10100"


def keys(body: dict) -> list[str]:
    return [i["key"] for i in body["issues"]]


def search(admin: Call, jql: str, **extra: object) -> dict:
    response = admin("POST", "/rest/api/2/search", json={"jql": jql, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_project_equals_defaults_to_page_of_50(admin: Call) -> None:
    body = search(admin, "project = SHOP")
    assert body["total"] == 30 and body["startAt"] == 0 and body["maxResults"] == 50
    assert keys(body) == [f"SHOP-{n}" for n in range(1, 31)]


def test_project_in_and_parentheses(admin: Call) -> None:
    body = search(admin, "project in (SHOP, OPS) AND (key in (SHOP-2, OPS-3) OR key = SHOP-9)")
    assert sorted(keys(body)) == ["OPS-3", "SHOP-2", "SHOP-9"]
    assert search(admin, "project in (ops)")["total"] == 10


def test_key_in_list(admin: Call) -> None:
    assert keys(search(admin, "key in (SHOP-3, SHOP-1)")) == ["SHOP-1", "SHOP-3"]


def test_order_by_custom_field_is_numeric_with_empty_last(admin: Call) -> None:
    for key, value in (("SHOP-1", 10), ("SHOP-2", 9.5), ("SHOP-3", 100)):
        admin("PUT", f"/rest/api/2/issue/{key}", json={"fields": {BV: value}})
    body = search(admin, "project = SHOP ORDER BY cf[10100] DESC", fields=[BV])
    assert keys(body)[:3] == ["SHOP-3", "SHOP-1", "SHOP-2"]
    ascending = keys(search(admin, 'project = SHOP ORDER BY "Business Value" ASC'))
    assert ascending[:3] == ["SHOP-2", "SHOP-1", "SHOP-3"]
    assert len(ascending) == 30  # issues without a value are kept, after the others


def test_order_by_rank(admin: Call) -> None:
    body = search(admin, "project = SHOP ORDER BY Rank ASC", maxResults=3)
    assert keys(body) == ["SHOP-1", "SHOP-2", "SHOP-3"]
    desc = search(admin, "project = SHOP ORDER BY Rank DESC", maxResults=2)
    assert keys(desc) == ["SHOP-30", "SHOP-29"]


def test_numeric_comparison_and_is_empty(admin: Call) -> None:
    admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {BV: 10}})
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {BV: 3}})
    assert keys(search(admin, "cf[10100] >= 5")) == ["SHOP-1"]
    assert search(admin, "project = SHOP AND cf[10100] is not EMPTY")["total"] == 2
    assert search(admin, "project = SHOP AND cf[10100] IS EMPTY")["total"] == 28


def test_issuetype_status_and_sprint_clauses(admin: Call) -> None:
    assert search(admin, "project = SHOP AND issuetype = Bug")["total"] == 6
    assert keys(search(admin, "project = SHOP AND status = Closed")) == ["SHOP-25"]
    assert search(admin, "sprint in openSprints()")["total"] == 20
    assert search(admin, 'sprint = "SHOP Sprint 1"')["total"] == 10
    assert search(admin, "project = SHOP AND sprint is EMPTY")["total"] == 10


def test_fields_selection(admin: Call) -> None:
    body = search(admin, "key = SHOP-1", fields=["summary", BV])
    assert set(body["issues"][0]["fields"]) == {"summary", BV}
    excluded = search(admin, "key = SHOP-1", fields=["*all", "-description"])
    assert "description" not in excluded["issues"][0]["fields"]


def test_paging_and_the_1000_cap(jira: SimServer, admin: Call) -> None:
    jira.reset(issues=2500)
    first = search(admin, "project = SHOP ORDER BY Rank", maxResults=5000, fields=["summary"])
    assert first["maxResults"] == 1000 and len(first["issues"]) == 1000
    assert first["total"] == 2500
    last = search(admin, "project = SHOP ORDER BY Rank", startAt=2000, maxResults=1000)
    assert keys(last)[0] == "SHOP-2001" and len(last["issues"]) == 500
    beyond = search(admin, "project = SHOP", startAt=3000)
    assert beyond["issues"] == [] and beyond["total"] == 2500


def test_get_search_with_query_parameters(admin: Call) -> None:
    params = {"jql": "project = OPS ORDER BY key DESC", "maxResults": 2, "fields": "summary"}
    body = admin("GET", "/rest/api/2/search", params=params).json()
    assert keys(body) == ["OPS-10", "OPS-9"] and body["maxResults"] == 2
    assert set(body["issues"][0]["fields"]) == {"summary"}


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        (
            "customfield_10100 > 1",
            "Field 'customfield_10100' does not exist or you do not have permission to view it.",
        ),
        ("nosuch = 1", "Field 'nosuch' does not exist or you do not have permission to view it."),
        ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
        ("key in (SHOP-999)", "An issue with key 'SHOP-999' does not exist for field 'key'."),
        (
            "project = SHOP ORDER BY Nope",
            "Field 'Nope' does not exist or you do not have permission to view it.",
        ),
    ],
)
def test_invalid_jql_is_400_with_jiras_message(admin: Call, jql: str, message: str) -> None:
    response = admin("POST", "/rest/api/2/search", json={"jql": jql})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [message], "errors": {}}


def test_syntax_error_names_the_position(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/search", params={"jql": "project = SHOP foo"})
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'foo'. "
        "(line 1, character 16)"
    ]


def test_unknown_body_property_is_refused(admin: Call) -> None:
    response = admin("POST", "/rest/api/2/search", json={"jql": "", "properties": []})
    assert response.status_code == 200  # `properties` is a known SearchRequestBean key
    bad = admin("POST", "/rest/api/2/search", json={"jql": "", "nope": 1})
    assert bad.status_code == 400
    assert 'Unrecognized field "nope"' in bad.json()["errorMessages"][0]


def test_write_between_pages_is_seen_by_later_sorts(admin: Call) -> None:
    """The sort cache is dropped when a write touches a field the query sorts on."""
    jql = "project = SHOP ORDER BY cf[10100] DESC"
    assert keys(search(admin, jql, maxResults=1)) == ["SHOP-1"]
    admin("PUT", "/rest/api/2/issue/SHOP-7", json={"fields": {BV: 50}})
    assert keys(search(admin, jql, maxResults=1)) == ["SHOP-7"]


def test_expand_names_and_schema(admin: Call) -> None:
    body = search(admin, "key = SHOP-1", fields=[BV], expand=["names", "schema"])
    assert body["names"] == {BV: "Business Value"}
    assert body["schema"][BV]["type"] == "number"
    assert "names" not in search(admin, "key = SHOP-1", fields=[BV])


def test_resolution_and_status_category(admin: Call) -> None:
    done = keys(search(admin, "project = SHOP AND resolution = Done"))
    assert done == ["SHOP-7", "SHOP-14", "SHOP-21", "SHOP-25", "SHOP-28"]
    assert search(admin, "project = SHOP AND resolution = Unresolved")["total"] == 25
    assert keys(search(admin, "project = SHOP AND statusCategory = Done")) == done
    assert search(admin, 'project = SHOP AND statusCategory != "To Do"')["total"] == 11


def test_date_clauses(admin: Call) -> None:
    # SHOP-n was created n hours after 2026-10-01 09:00 UTC.
    assert keys(search(admin, 'project = SHOP AND created < "2026-10-01 12:00"')) == [
        "SHOP-1",
        "SHOP-2",
    ]
    assert search(admin, "project = SHOP AND created >= 2026/10/02")["total"] == 16
    assert search(admin, "project = SHOP AND created >= -1d")["total"] == 0
    admin("PUT", "/rest/api/2/issue/SHOP-3", json={"fields": {BV: 1}})
    assert keys(search(admin, "project = SHOP AND updated >= -1h")) == ["SHOP-3"]
    bad = admin("POST", "/rest/api/2/search", json={"jql": "created > yesterday"})
    assert bad.status_code == 400
    assert bad.json()["errorMessages"][0].startswith("Date value 'yesterday' for field 'created'")


def test_user_clauses(admin: Call, dev: Call) -> None:
    mine = dev("POST", "/rest/api/2/search", json={"jql": "assignee = currentUser()"}).json()
    assert mine["total"] == 20  # odd-numbered SHOP and OPS issues are dev's
    assert search(admin, "project = SHOP AND assignee is EMPTY")["total"] == 15


def test_text_search_and_its_limits(admin: Call) -> None:
    assert search(admin, 'project = SHOP AND text ~ "checkout"')["total"] == 3  # 8, 16, 24
    admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {"description": "Checkout bug"}})
    assert search(admin, 'project = SHOP AND text ~ "checkout"')["total"] == 4
    for jql in ('text = "x"', "project = SHOP ORDER BY text"):
        response = admin("POST", "/rest/api/2/search", json={"jql": jql})
        assert response.status_code == 400


@pytest.mark.parametrize(
    ("jql", "field", "op"),
    [
        ('summary = "Cart"', "summary", "="),
        ('"Team Notes" = "x"', "Team Notes", "="),
        ("status > Done", "status", ">"),
        ('labels > "x"', "labels", ">"),
        ("cf[10100] ~ 5", "cf[10100]", "~"),
    ],
)
def test_operator_not_supported_by_field_is_400(admin: Call, jql: str, field: str, op: str) -> None:
    response = admin("POST", "/rest/api/2/search", json={"jql": jql})
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        f"The operator '{op}' is not supported by the '{field}' field."
    ]
