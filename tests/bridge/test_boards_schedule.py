"""PUT .../schedule and POST .../schedule/copy with a per-board result."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.bridge.boards_support import Api, set_board, stored

MONDAY = {"mode": "custom", "weekday": "monday", "time": "09:30", "timezone": "Europe/Berlin"}


@pytest.fixture
def api(client, auth_headers):
    api = Api(client, auth_headers)
    api.create()
    api.create(id="ops", name="Ops", emoji="🔧", jira_board_id=2, project_keys=["OPS"])
    api.create(id="web", name="Web", emoji="🌐", jira_board_id=2, project_keys=["OPS"])
    return api


def test_put_custom_then_sprint_end(api, redis):
    response = api.call("PUT", "/api/boards/shop/schedule", MONDAY)
    assert response.status_code == 200
    assert response.get_json()["schedule"] == MONDAY
    assert stored(redis, "shop")["schedule"] == MONDAY
    back = api.call("PUT", "/api/boards/shop/schedule", {"mode": "sprint_end"})
    assert back.get_json()["schedule"] == {"mode": "sprint_end"}


def test_copy_reports_each_board(api, redis):
    api.call("PUT", "/api/boards/shop/schedule", MONDAY)
    api.call("PUT", "/api/boards/web/schedule", MONDAY)
    response = api.call(
        "POST", "/api/boards/shop/schedule/copy", {"to": ["ops", "web", "gone", "shop"]}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["copied"] == 1
    assert [(r["board"], r["status"]) for r in body["results"]] == [
        ("ops", "copied"),
        ("web", "unchanged"),
        ("gone", "not_found"),
        ("shop", "skipped"),
    ]
    assert stored(redis, "ops")["schedule"] == MONDAY
    assert not redis.exists("syncback:board:gone")


def test_active_board_gets_its_next_custom_run_planned(api, redis):
    set_board(redis, "shop", active=True)
    body = api.call("PUT", "/api/boards/shop/schedule", MONDAY).get_json()
    assert body["next_run"] is not None
    planned = datetime.fromisoformat(body["next_run"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert (planned.strftime("%A %H:%M")) == "Monday 09:30"
    copied = api.call("POST", "/api/boards/shop/schedule/copy", {"to": ["ops"]})
    assert copied.status_code == 200
    assert api.call("GET", "/api/boards/ops").get_json()["next_run"] is None  # ops is inactive
    off = api.call("POST", "/api/boards/shop/deactivate").get_json()
    assert off["next_run"] is None
