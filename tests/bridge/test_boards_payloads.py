"""A table of bad bodies per route: 400, the JSON path of the problem, and nothing changed."""

from __future__ import annotations

import pytest

from tests.bridge.boards_support import SHOP, Api, stored

BAD = [
    # (method, path, body, JSON path named, words in the message)
    ("POST", "/api/boards", {**SHOP, "id": "Shop!"}, "$.id", "does not match"),
    ("POST", "/api/boards", {k: v for k, v in SHOP.items() if k != "name"}, "$", "'name'"),
    ("POST", "/api/boards", {**SHOP, "colour": "red"}, "$", "colour"),
    ("POST", "/api/boards", {**SHOP, "jira_board_id": "1"}, "$.jira_board_id", "integer"),
    ("POST", "/api/boards", {**SHOP, "jira_board_id": 0}, "$.jira_board_id", "minimum"),
    ("POST", "/api/boards", {**SHOP, "project_keys": []}, "$.project_keys", "non-empty"),
    ("POST", "/api/boards", {**SHOP, "project_keys": ["shop"]}, "$.project_keys[0]", "match"),
    ("POST", "/api/boards", {**SHOP, "emoji": "a b"}, "$.emoji", "match"),
    (
        "POST",
        "/api/boards",
        {**SHOP, "options": {"unscored": "drop"}},
        "$.options.unscored",
        "drop",
    ),
    ("POST", "/api/boards", {**SHOP, "options": {"x": 1}}, "$.options", "'x'"),
    (
        "POST",
        "/api/boards",
        {**SHOP, "options": {"sort_board_by": "score"}},
        "$.options.sort_board_by",
        "no 'score' field",
    ),
    (
        "POST",
        "/api/boards",
        {**SHOP, "criteria": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
        "$.criteria[1].id",
        "twice",
    ),
    ("PATCH", "/api/boards/shop", {}, "$", "empty"),
    ("PATCH", "/api/boards/shop", {"id": "other"}, "$", "'id'"),
    ("PATCH", "/api/boards/shop", {"jql": 5}, "$.jql", "string"),
    ("PUT", "/api/boards/shop/fields", {}, "$", "'fields'"),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "votes"}]},
        "$.fields[0].source",
        "match",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "score", "name": ""}]},
        "$.fields[0].name",
        "non-empty",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "score", "x": 1}]},
        "$.fields[0]",
        "'x'",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "score", "tracker_field": "summary"}]},
        "$.fields[0].tracker_field",
        "match",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "score"}, {"source": "score"}]},
        "$.fields[1].source",
        "listed twice",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "criterion:speed"}]},
        "$.fields[0].source",
        "names no criterion",
    ),
    (
        "PUT",
        "/api/boards/shop/fields",
        {"fields": [{"source": "score", "name": "X"}, {"source": "priority", "name": "X"}]},
        "$.fields[1].name",
        "already used",
    ),
    ("PUT", "/api/boards/shop/schedule", {"mode": "hourly"}, "$.mode", "hourly"),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "custom", "time": "09:00", "timezone": "UTC"},
        "$",
        "'weekday'",
    ),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "custom", "weekday": "mon", "time": "09:00", "timezone": "UTC"},
        "$.weekday",
        "mon",
    ),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "custom", "weekday": "monday", "time": "24:00", "timezone": "UTC"},
        "$.time",
        "match",
    ),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "custom", "weekday": "monday", "time": "9:00", "timezone": "UTC"},
        "$.time",
        "match",
    ),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "custom", "weekday": "monday", "time": "09:00", "timezone": "Mars/Olympus"},
        "$.timezone",
        "not an IANA timezone",
    ),
    (
        "PUT",
        "/api/boards/shop/schedule",
        {"mode": "sprint_end", "weekday": "monday"},
        "$.weekday",
        "allowed only with mode 'custom'",
    ),
    ("POST", "/api/boards/shop/schedule/copy", {"to": []}, "$.to", "non-empty"),
    ("POST", "/api/boards/shop/schedule/copy", {"to": "ops"}, "$.to", "array"),
    ("POST", "/api/boards/shop/schedule/copy", {"to": ["ops", "ops"]}, "$.to", "non-unique"),
    ("POST", "/api/boards/shop/schedule/copy", {"to": ["OPS"]}, "$.to[0]", "match"),
]


@pytest.fixture
def api(client, auth_headers):
    api = Api(client, auth_headers)
    api.create()
    api.create(id="ops", name="Ops", emoji="🔧", jira_board_id=2, project_keys=["OPS"])
    return api


@pytest.mark.parametrize(("method", "path", "body", "where", "words"), BAD)
def test_bad_body_is_400_with_path_and_changes_nothing(
    api, redis, method, path, body, where, words
):
    before = {b: stored(redis, b) for b in ("shop", "ops")}
    response = api.call(method, path, body)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    paths = [d["path"] for d in error["details"]]
    assert where in paths
    assert any(words in d["message"] for d in error["details"] if d["path"] == where)
    assert {b: stored(redis, b) for b in ("shop", "ops")} == before
    assert len(api.call("GET", "/api/boards").get_json()["boards"]) == 2


@pytest.mark.parametrize(
    "path",
    ["/api/boards", "/api/boards/shop/fields", "/api/boards/shop/schedule"],
)
def test_non_json_body_is_400(api, path):
    method = "POST" if path == "/api/boards" else "PUT"
    response = api.client.open(
        path, method=method, data="fields=1", headers=api.headers, content_type="text/plain"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [{"path": "$", "message": "body is not JSON"}]


def test_malformed_json_is_400(api):
    response = api.client.post(
        "/api/boards", data="{nope", headers=api.headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["message"] == "malformed JSON"
