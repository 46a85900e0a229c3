"""Missed sprint ends: both webhooks of a sprint lost, the reconciler still runs its end once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from redis import Redis
from rq.registry import FinishedJobRegistry

from tests.bridge.webhook_e2e_support import finished_runs, runs, settle, wait_for
from tests.bridge.webhook_support import URL, body, make_board
from tests.conftest import base_env
from tests.harness.jira_sim import SimServer
from worker.connection import get_queue
from worker.jira import JiraClient
from worker.model import Board, Score
from worker.services import reconcile, sprint_recovery
from worker.settings import JiraSettings
from worker.store import BoardStore, ScoreStore

VALUE = "customfield_10100"  # "Business Value" (float) on the SHOP screens


@pytest.fixture
def app_env(redis_url: str, jira: SimServer) -> dict[str, str]:
    return base_env(redis_url, jira.url)


@pytest.fixture
def client_jira(jira: SimServer) -> JiraClient:
    return JiraClient(JiraSettings(jira.url, token="demo-admin-token"))


def active_board(redis: Redis, activated_at: datetime) -> Board:
    """The SHOP board on sprint_end, scored, activated at `activated_at` (no webhook registered:
    every sprint delivery of the simulator is lost)."""
    make_board(redis)
    ScoreStore(redis).put(
        "shop", [Score("SHOP-1", 30.0), Score("SHOP-2", 20.0), Score("SHOP-3", 10.0)]
    )
    iso = activated_at.isoformat()
    return BoardStore(redis).update("shop", lambda b: dataclasses.replace(b, activated_at=iso))


def finished_results(redis: Redis) -> list[dict]:
    """Results of the finished sprint_closed webhook jobs."""
    queue = get_queue(redis)
    jobs = [queue.fetch_job(j) for j in FinishedJobRegistry(queue=queue).get_job_ids()]
    return [j.return_value() for j in jobs if j and j.func_name.endswith(".on_sprint_closed")]


def recovered(report: dict) -> list[int]:
    assert report["errors"] == []
    return [r["sprint"] for r in report["boards"]["shop"]["recovered"]]


@pytest.mark.slow
def test_lost_start_and_close_deliveries_still_run_the_sprint_end_once(
    redis: Redis, jira: SimServer, client_jira: JiraClient, worker: object, client: FlaskClient
) -> None:
    active_board(redis, datetime.now(UTC) - timedelta(minutes=1))
    jira.close_sprint(1)  # started and closed between two passes: never seen active
    assert jira.flush_webhooks() == []  # no webhook registered: both deliveries are lost

    first = reconcile.reconcile(redis, client_jira)
    assert recovered(first) == [1]
    assert redis.get(sprint_recovery.seen_key(1)) == b"1"  # the next pass starts reading there
    done = wait_for("the recovered sprint-end run", lambda: finished_runs(redis))
    assert [(r["trigger"], r["state"]) for r in done] == [("sprint_end", "succeeded")]
    assert [jira.field(k, VALUE) for k in ("SHOP-1", "SHOP-2", "SHOP-3")] == [1.0, 2.0, 3.0]

    # The next pass, and the sprint_closed delivery arriving late after all: still one run.
    assert recovered(reconcile.reconcile(redis, client_jira)) == []
    sprint = jira.admin("GET", "/rest/agile/1.0/sprint/1").json()
    late = {"timestamp": 1_900_000_000_000, "webhookEvent": "sprint_closed", "sprint": sprint}
    assert client.post(URL, data=body(late)).status_code == 204
    handled = wait_for("the late sprint_closed job", lambda: finished_results(redis))
    assert handled == [
        {"sprint": 1, "boards": [{"board": "shop", "run_id": done[0]["id"], "joined": True}]}
    ]
    settle(redis, quiet_s=1.0)
    assert [(r["trigger"], r["state"]) for r in runs(redis)] == [("sprint_end", "succeeded")]


def test_a_sprint_closed_before_activation_is_never_replayed(
    redis: Redis, jira: SimServer, client_jira: JiraClient
) -> None:
    jira.close_sprint(1)
    board = active_board(redis, datetime.now(UTC))  # turned on after the sprint closed
    sprint = jira.admin("GET", "/rest/agile/1.0/sprint/1").json()
    now = datetime.now(UTC)
    assert (
        sprint_recovery.skip_reason(board, sprint, now) == "closed before the board was activated"
    )
    assert recovered(reconcile.reconcile(redis, client_jira)) == []
    assert runs(redis) == []


def test_a_sprint_closed_longer_ago_than_the_look_back_is_not_recovered(
    redis: Redis, jira: SimServer, client_jira: JiraClient
) -> None:
    active_board(redis, datetime.now(UTC) - timedelta(minutes=1))
    jira.close_sprint(1)
    # The reconciler was down for 15 days: too late to sync that sprint's end now.
    later = datetime.now(UTC) + sprint_recovery.LOOKBACK + timedelta(days=1)
    assert recovered(reconcile.reconcile(redis, client_jira, now=later)) == []
    assert runs(redis) == []
    # Within the look-back the same sprint is recovered (the window was the only reason).
    assert recovered(reconcile.reconcile(redis, client_jira)) == [1]
    assert [(r["trigger"], r["slot"]) for r in runs(redis)] == [("sprint_end", "sprint-1")]


def test_a_board_without_activation_time_counts_as_activated_at_the_first_pass(
    redis: Redis, jira: SimServer, client_jira: JiraClient
) -> None:
    make_board(redis)  # stored before activated_at was kept
    jira.close_sprint(1)
    assert recovered(reconcile.reconcile(redis, client_jira)) == []
    stamped = BoardStore(redis).get("shop").activated_at
    assert stamped is not None
    assert recovered(reconcile.reconcile(redis, client_jira)) == []  # closed before the stamp
    assert BoardStore(redis).get("shop").activated_at == stamped
    assert runs(redis) == []


def test_closed_sprints_are_read_from_the_end_of_the_list(
    jira: SimServer, client_jira: JiraClient
) -> None:
    jira.close_sprint(1)
    sprints, count = client_jira.closed_sprints_tail(1)
    assert ([s["id"] for s in sprints], count) == ([1], 1)
    # A hint past the end (sprints deleted since the last pass) still finds the newest ones.
    sprints, count = client_jira.closed_sprints_tail(1, hint=500)
    assert ([s["id"] for s in sprints], count) == ([1], 1)


def test_boards_stored_without_activated_at_still_load() -> None:
    data = make_board_dict()
    assert "activated_at" not in data
    board = Board.from_dict(data)
    assert board.activated_at is None
    assert Board.from_dict(board.to_dict()) == board


def make_board_dict() -> dict:
    return {
        "id": "old",
        "name": "Old",
        "emoji": "🛒",
        "jira_board_id": 1,
        "project_keys": ["SHOP"],
        "active": True,
        "schedule": {"mode": "sprint_end"},
    }
