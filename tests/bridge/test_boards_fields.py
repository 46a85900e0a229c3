"""PUT /api/boards/<id>/fields: names, criteria, mapping type checks, the activation lock."""

from __future__ import annotations

import pytest

from tests.bridge.boards_support import Api, jira_fields, set_board, stored

REFRESHED = {
    "ok": True,
    "fingerprint": "x",
    "problems": [],
    "jira_fields": jira_fields(
        ("customfield_10100", "Business Value", "number"),
        ("customfield_10101", "Team Notes", "string"),
        ("customfield_10300", "Team", None),
    ),
}


@pytest.fixture
def api(client, auth_headers):
    api = Api(client, auth_headers)
    api.create()
    return api


def put(api, *fields):
    return api.call("PUT", "/api/boards/shop/fields", {"fields": list(fields)})


def test_add_fields_with_default_names_including_criteria(api):
    response = put(api, {"source": "priority"}, {"source": "score"}, {"source": "criterion:reach"})
    assert response.status_code == 200
    assert [f["name"] for f in response.get_json()["fields"]] == [
        "Priority 🛒 Ducalis",
        "Score 🛒 Ducalis",
        "Reach 🛒 Ducalis",
    ]


def test_delete_defaults_and_rename(api, redis):
    response = put(api, {"source": "score_status", "name": "Ducalis status"})
    assert response.status_code == 200
    assert stored(redis, "shop")["fields"] == [
        {"source": "score_status", "name": "Ducalis status", "tracker_field": None}
    ]


def test_mapping_before_any_refresh_is_refused(api, redis):
    response = put(api, {"source": "priority", "tracker_field": "customfield_10100"})
    assert response.status_code == 400
    detail = response.get_json()["error"]["details"][0]
    assert detail["path"] == "$.fields[0].tracker_field"
    assert "refresh" in detail["message"]
    assert stored(redis, "shop")["fields"][0]["tracker_field"] is None


def test_mapping_to_compatible_fields(api, redis):
    set_board(redis, "shop", preflight=REFRESHED)
    response = put(
        api,
        {"source": "priority", "tracker_field": "customfield_10100"},
        {"source": "score_status", "tracker_field": "customfield_10101"},
    )
    assert response.status_code == 200
    assert [f["tracker_field"] for f in stored(redis, "shop")["fields"]] == [
        "customfield_10100",
        "customfield_10101",
    ]


@pytest.mark.parametrize(
    ("source", "tracker", "words"),
    [
        ("priority", "customfield_10101", "'Team Notes' is a Text field (single line); priority"),
        ("score_status", "customfield_10100", "score_status is a string and needs a Text field"),
        ("criterion:reach", "customfield_10300", "is a type select"),
        ("score", "customfield_99999", "Jira has no custom field customfield_99999"),
    ],
)
def test_type_mismatch_is_a_clear_400(api, redis, source, tracker, words):
    set_board(redis, "shop", preflight=REFRESHED)
    before = stored(redis, "shop")
    response = put(api, {"source": source, "tracker_field": tracker})
    assert response.status_code == 400
    detail = response.get_json()["error"]["details"][0]
    assert detail["path"] == "$.fields[0].tracker_field"
    assert words in detail["message"]
    assert stored(redis, "shop") == before


def test_one_jira_field_cannot_take_two_sources(api, redis):
    set_board(redis, "shop", preflight=REFRESHED)
    response = put(
        api,
        {"source": "score", "tracker_field": "customfield_10100"},
        {"source": "priority", "tracker_field": "customfield_10100"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "$.fields[1].tracker_field"


def test_omitted_name_and_mapping_are_kept_null_unmaps(api, redis):
    set_board(redis, "shop", preflight=REFRESHED)
    put(api, {"source": "priority", "name": "Rank", "tracker_field": "customfield_10100"})
    kept = put(api, {"source": "priority"}, {"source": "alignment"}).get_json()["fields"][0]
    assert kept == {"source": "priority", "name": "Rank", "tracker_field": "customfield_10100"}
    unmapped = put(api, {"source": "priority", "tracker_field": None}).get_json()["fields"][0]
    assert unmapped["tracker_field"] is None


def test_active_board_field_list_is_locked_409(api, redis):
    set_board(redis, "shop", active=True)
    before = stored(redis, "shop")
    response = put(api, {"source": "score"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "board_active"
    assert "deactivate it, make the change, then activate it again" in error["message"]
    assert stored(redis, "shop") == before
    create = api.call("POST", "/api/boards/shop/fields/create-in-jira")
    assert create.status_code == 409


def test_sort_option_needs_its_field(api, redis):
    api.call("PATCH", "/api/boards/shop", {"options": {"sort_board_by": "priority"}})
    response = put(api, {"source": "alignment"})
    assert response.status_code == 400
    assert "sort_board_by" in response.get_json()["error"]["details"][0]["message"]


def test_a_field_another_board_writes_cannot_be_mapped(api, redis):
    api.create(id="ops", name="Ops", emoji="🔧", jira_board_id=2, project_keys=["OPS"])
    set_board(redis, "ops", preflight=REFRESHED)
    set_board(redis, "shop", preflight=REFRESHED)
    assert put(api, {"source": "priority", "tracker_field": "customfield_10100"}).status_code == 200
    before = stored(redis, "ops")
    response = api.call(
        "PUT",
        "/api/boards/ops/fields",
        {"fields": [{"source": "score", "tracker_field": "customfield_10100"}]},
    )
    assert response.status_code == 400
    assert "already written by board 'shop'" in response.get_json()["error"]["message"]
    assert stored(redis, "ops") == before
