"""Activation judges the stored preflight: 422 naming project, issue type and field; 200 when ok."""

from __future__ import annotations

import pytest

from tests.bridge.boards_support import Api, set_board, stored
from worker.services.preflight import fingerprint
from worker.store import BoardStore


@pytest.fixture
def api(client, auth_headers):
    api = Api(client, auth_headers)
    api.create()
    return api


def stage_report(redis, ok, problems=()):
    board = BoardStore(redis).get("shop")
    report = {"ok": ok, "fingerprint": fingerprint(board), "problems": list(problems)}
    set_board(redis, "shop", preflight=report)


def test_activate_without_preflight_is_422(api, redis):
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 422
    assert "refresh" in response.get_json()["error"]["message"]
    assert stored(redis, "shop")["active"] is False


def test_failed_preflight_names_project_issue_type_and_field(api, redis):
    message = (
        "SHOP · Bug: field 'Priority 🛒 Ducalis' (customfield_10200) is not on the edit screen "
        "of SHOP-3; add it to the screens of project SHOP"
    )
    problem = {"code": "not_on_screen", "message": message, "source": "priority",
               "project": "SHOP", "issue_type": "Bug", "field": "customfield_10200"}  # fmt: skip
    stage_report(redis, False, [problem])
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "preflight_failed"
    assert error["details"] == [{"path": "$.fields[0]", "message": message}]
    assert error["report"]["problems"][0]["project"] == "SHOP"
    assert stored(redis, "shop")["active"] is False


def test_stale_preflight_is_422(api, redis):
    stage_report(redis, True)
    api.call("PUT", "/api/boards/shop/fields", {"fields": [{"source": "score"}]})
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 422
    assert "changed since the last preflight" in response.get_json()["error"]["message"]


def test_activate_and_deactivate(api, redis):
    stage_report(redis, True)
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 200
    assert response.get_json()["active"] is True
    again = api.call("POST", "/api/boards/shop/activate")
    assert again.status_code == 200
    off = api.call("POST", "/api/boards/shop/deactivate")
    assert off.get_json()["active"] is False
    assert stored(redis, "shop")["active"] is False


def test_jobs_need_jira_configured(api):
    response = api.call("POST", "/api/boards/shop/refresh")
    assert response.status_code == 503
    assert "JIRA_BASE_URL" in response.get_json()["error"]["message"]
