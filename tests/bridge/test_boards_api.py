"""Boards CRUD: create with defaults, read, list, update, delete, 404, 409 on a taken id."""

from __future__ import annotations

import pytest

from tests.bridge.boards_support import SHOP, Api, set_board, stored


@pytest.fixture
def api(client, auth_headers):
    return Api(client, auth_headers)


def test_create_returns_201_with_default_fields_named_from_emoji(api):
    board = api.create()
    assert board["id"] == "shop"
    assert board["fields"] == [
        {"source": "priority", "name": "Priority 🛒 Ducalis", "tracker_field": None},
        {"source": "alignment", "name": "Alignment 🛒 Ducalis", "tracker_field": None},
    ]
    assert board["active"] is False
    assert board["schedule"] == {"mode": "sprint_end"}
    assert board["options"]["card_layout"] == {"backlog": True, "active_sprint": True}
    assert board["preflight"] is None
    assert board["last_run"] is None


def test_ascii_style_names_fields_with_board_id(api):
    board = api.create(options={"field_name_style": "ascii"})
    assert [f["name"] for f in board["fields"]] == [
        "Priority [shop] Ducalis",
        "Alignment [shop] Ducalis",
    ]


def test_read_and_list(api):
    api.create()
    api.create(id="ops", name="Ops", emoji="🔧", jira_board_id=2, project_keys=["OPS"])
    read = api.call("GET", "/api/boards/shop")
    assert read.status_code == 200
    assert read.get_json()["project_keys"] == ["SHOP"]
    listed = api.call("GET", "/api/boards").get_json()["boards"]
    assert [b["id"] for b in listed] == ["ops", "shop"]
    assert {"active", "schedule", "options", "preflight", "last_run"} <= set(listed[0])


def test_taken_id_is_409_and_first_board_unchanged(api, redis):
    api.create()
    response = api.call("POST", "/api/boards", {**SHOP, "name": "Other"})
    assert response.status_code == 409
    assert response.get_json()["error"]["details"][0]["path"] == "$.id"
    assert stored(redis, "shop")["name"] == "Shop roadmap"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/boards/nope"),
        ("PATCH", "/api/boards/nope"),
        ("DELETE", "/api/boards/nope"),
        ("PUT", "/api/boards/nope/fields"),
        ("POST", "/api/boards/nope/fields/create-in-jira"),
        ("POST", "/api/boards/nope/refresh"),
        ("POST", "/api/boards/nope/board-config"),
        ("POST", "/api/boards/nope/activate"),
        ("POST", "/api/boards/nope/deactivate"),
        ("PUT", "/api/boards/nope/schedule"),
        ("POST", "/api/boards/nope/schedule/copy"),
    ],
)
def test_unknown_board_is_404(api, method, path):
    response = api.call(method, path, {"fields": []})
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "no board 'nope'"


def test_patch_changes_name_and_options_and_renames_default_fields(api, redis):
    api.create()
    body = {"name": "Shop 2027", "emoji": "🧺", "options": {"card_layout": {"backlog": False}}}
    response = api.call("PATCH", "/api/boards/shop", body)
    assert response.status_code == 200
    board = response.get_json()
    assert board["name"] == "Shop 2027"
    assert board["options"]["card_layout"] == {"backlog": False, "active_sprint": True}
    assert [f["name"] for f in board["fields"]] == ["Priority 🧺 Ducalis", "Alignment 🧺 Ducalis"]
    assert stored(redis, "shop")["emoji"] == "🧺"


def test_patch_keeps_names_of_fields_already_in_jira(api, redis):
    api.create()
    set_board(redis, "shop", fields=())
    api.call("PUT", "/api/boards/shop/fields", {"fields": [{"source": "priority"}]})
    from worker.model import SyncField

    set_board(
        redis, "shop", fields=(SyncField("priority", "Priority 🛒 Ducalis", "customfield_1"),)
    )
    board = api.call("PATCH", "/api/boards/shop", {"options": {"field_name_style": "ascii"}})
    assert board.get_json()["fields"][0]["name"] == "Priority 🛒 Ducalis"


def test_patch_refuses_removing_a_criterion_in_use(api, redis):
    api.create()
    api.call("PUT", "/api/boards/shop/fields", {"fields": [{"source": "criterion:reach"}]})
    response = api.call("PATCH", "/api/boards/shop", {"criteria": [{"id": "effort", "name": "E"}]})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "$.criteria"
    assert [c["id"] for c in stored(redis, "shop")["criteria"]] == ["reach", "effort"]


def test_delete_removes_board_and_its_scores(api, redis):
    api.create()
    redis.hset("syncback:scores:shop", "SHOP-1", "{}")
    assert api.call("DELETE", "/api/boards/shop").status_code == 204
    assert api.call("GET", "/api/boards/shop").status_code == 404
    assert not redis.exists("syncback:scores:shop")


def test_active_board_cannot_be_deleted_or_rescoped(api, redis):
    api.create()
    set_board(redis, "shop", active=True)
    deleted = api.call("DELETE", "/api/boards/shop")
    assert deleted.status_code == 409
    assert "deactivate" in deleted.get_json()["error"]["message"]
    rescoped = api.call("PATCH", "/api/boards/shop", {"project_keys": ["SHOP", "OPS"]})
    assert rescoped.status_code == 409
    assert "project_keys" in rescoped.get_json()["error"]["message"]
    renamed = api.call("PATCH", "/api/boards/shop", {"name": "Still allowed"})
    assert renamed.status_code == 200
    assert stored(redis, "shop")["project_keys"] == ["SHOP"]


def test_renaming_a_criterion_renames_its_default_named_field(api):
    api.create()
    api.call("PUT", "/api/boards/shop/fields", {"fields": [{"source": "criterion:reach"}]})
    criteria = [{"id": "reach", "name": "Audience"}, {"id": "effort", "name": "Effort"}]
    board = api.call("PATCH", "/api/boards/shop", {"criteria": criteria}).get_json()
    assert board["fields"][0]["name"] == "Audience 🛒 Ducalis"
