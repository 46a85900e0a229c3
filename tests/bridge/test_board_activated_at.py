"""Activation records when the board was turned on, so missed-sprint recovery never replays
sprints that closed before it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.bridge.boards_support import Api, set_board
from tests.conftest import base_env
from tests.harness.jira_sim import SimServer
from worker import scheduling
from worker.jira import JiraClient
from worker.services import reconcile
from worker.services.preflight import fingerprint
from worker.settings import JiraSettings
from worker.store import BoardStore, RunStore


@pytest.fixture
def app_env(redis_url: str, jira: SimServer) -> dict[str, str]:
    return base_env(redis_url, jira.url)


@pytest.fixture
def api(client: FlaskClient, auth_headers: dict[str, str], redis: Redis) -> Api:
    api = Api(client, auth_headers)
    api.create()
    board = BoardStore(redis).get("shop")
    set_board(redis, "shop", preflight={"ok": True, "fingerprint": fingerprint(board)})
    return api


def activated_at(redis: Redis) -> datetime:
    stamp = scheduling.parse_jira_datetime(BoardStore(redis).get("shop").activated_at)
    assert stamp is not None
    return stamp


def test_activation_records_when_and_reactivation_renews_it(api: Api, redis: Redis) -> None:
    assert BoardStore(redis).get("shop").activated_at is None
    before = datetime.now(UTC)
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 200
    first = activated_at(redis)
    assert before <= first <= datetime.now(UTC)
    assert response.get_json()["activated_at"] == first.isoformat()
    # Activating an active board changes nothing; turning it off and on again is a new start.
    assert api.call("POST", "/api/boards/shop/activate").status_code == 200
    assert activated_at(redis) == first
    assert api.call("POST", "/api/boards/shop/deactivate").status_code == 200
    assert activated_at(redis) == first
    assert api.call("POST", "/api/boards/shop/activate").status_code == 200
    assert activated_at(redis) > first


def test_a_sprint_closed_before_activation_through_the_api_gets_no_run(
    api: Api, redis: Redis, jira: SimServer
) -> None:
    closed = jira.close_sprint(1)  # both deliveries lost: no webhook registered
    assert api.call("POST", "/api/boards/shop/activate").status_code == 200
    assert scheduling.parse_jira_datetime(closed["completeDate"]) <= activated_at(redis)
    client = JiraClient(JiraSettings(jira.url, token="demo-admin-token"))
    report = reconcile.reconcile(redis, client)
    assert report["errors"] == []
    assert report["boards"]["shop"]["recovered"] == []
    assert RunStore(redis).history("shop") == []
