"""End to end: the simulator delivers webhooks over HTTP to the bridge under gunicorn, a real
worker runs the jobs, values land in the simulated Jira. Exactly one run per sprint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis

from tests.bridge.webhook_e2e_support import (
    BridgeServer,
    finished_runs,
    register_webhook,
    runs,
    settle,
    wait_for,
)
from tests.bridge.webhook_support import make_board
from tests.conftest import base_env
from tests.harness.jira_sim import SimServer
from tests.harness.redis_server import RedisServer
from worker.model import Score
from worker.services import schedules
from worker.services.webhook_events import manual_edits
from worker.store import ScoreStore

pytestmark = pytest.mark.slow
VALUE = "customfield_10100"  # "Business Value" (float) on the SHOP screens


@pytest.fixture(scope="module")
def bridge(
    redis_server: RedisServer, jira_sim: SimServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BridgeServer]:
    server = BridgeServer(
        redis_server.url, jira_sim.url, tmp_path_factory.mktemp("bridge") / "bridge.log"
    )
    yield server
    server.stop()


@pytest.fixture
def app_env(redis_url: str, jira: SimServer) -> dict[str, str]:
    return base_env(redis_url, jira.url)


def scored_board(redis: Redis) -> None:
    make_board(redis)  # SHOP, Jira board 1, sprint_end, priority -> customfield_10100
    ScoreStore(redis).put(
        "shop", [Score("SHOP-1", 30.0), Score("SHOP-2", 20.0), Score("SHOP-3", 10.0)]
    )


def sprint_event(jira: SimServer, event: str, sprint_id: int, timestamp: int) -> dict:
    sprint = jira.admin("GET", f"/rest/agile/1.0/sprint/{sprint_id}").json()
    return {"timestamp": timestamp, "webhookEvent": event, "sprint": sprint}


def test_closing_a_sprint_runs_one_sprint_end_sync(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    scored_board(redis)
    register_webhook(jira.url, bridge.url)
    jira.close_sprint(1)
    deliveries = jira.flush_webhooks()
    assert {"event": "sprint_closed", "status": 204} in [
        {"event": d["event"], "status": d.get("status")} for d in deliveries
    ]
    done = wait_for("the sprint-end run", lambda: finished_runs(redis))
    assert [(r["trigger"], r["state"]) for r in done] == [("sprint_end", "succeeded")]
    assert [jira.field(k, VALUE) for k in ("SHOP-1", "SHOP-2", "SHOP-3")] == [1.0, 2.0, 3.0]

    # Jira DC 10 may deliver again, late, and out of order: still one run.
    closed = sprint_event(jira, "sprint_closed", 1, 1_900_000_000_000)
    for _ in range(3):
        assert bridge.post(closed) == 204
    assert bridge.post({**closed, "timestamp": 1_900_000_000_001}) == 204
    assert bridge.post(sprint_event(jira, "sprint_updated", 1, 1_900_000_000_002)) == 204
    settle(redis)
    assert len(runs(redis)) == 1
    # Our own writes came back as jira:issue_updated from the service account: not hand edits.
    jira.flush_webhooks()
    settle(redis)
    assert manual_edits(redis, "shop") == []


def test_out_of_order_and_lost_events_still_run_once(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    scored_board(redis)
    started = sprint_event(jira, "sprint_started", 1, 1_800_000_000_000)  # taken before closing
    jira.close_sprint(1)  # no webhook registered: the sprint_closed delivery is "lost"
    # ...then Jira's async queue delivers late and shuffled:
    assert bridge.post(sprint_event(jira, "sprint_updated", 1, 1_900_000_000_003)) == 204
    assert bridge.post(started) == 204
    closed = sprint_event(jira, "sprint_closed", 1, 1_900_000_000_004)
    for _ in range(3):
        assert bridge.post(closed) == 204
    wait_for("a run", lambda: finished_runs(redis))
    settle(redis, quiet_s=2.0)
    assert [(r["trigger"], r["state"]) for r in runs(redis)] == [("sprint_end", "succeeded")]
    assert jira.field("SHOP-1", VALUE) == 1.0


def test_planned_sprint_end_fires_once_and_close_does_not_repeat_it(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    scored_board(redis)
    register_webhook(jira.url, bridge.url)
    jira.close_sprint(1)
    wait_for("sprint 1's run", lambda: finished_runs(redis))
    ScoreStore(redis).put("shop", [Score("SHOP-4", 40.0)])  # something new for sprint 2
    now = datetime.now(UTC)
    end = now + timedelta(seconds=4)
    body = {
        "state": "active",
        "startDate": now.isoformat(timespec="milliseconds"),
        "endDate": end.isoformat(timespec="milliseconds"),
    }
    assert jira.admin("POST", "/rest/agile/1.0/sprint/2", json=body).status_code == 200
    jira.flush_webhooks()
    planned = wait_for("the planned sprint end", lambda: schedules.scheduled_jobs(redis, "shop"))
    assert list(planned) == [f"sprintend_shop_2_{int(end.replace(microsecond=0).timestamp())}"]
    wait_for("sprint 2's planned run", lambda: len(finished_runs(redis)) == 2, timeout=30)
    assert jira.field("SHOP-4", VALUE) == 1.0
    jira.close_sprint(2)  # the close after the planned end: the sprint was already synced
    jira.flush_webhooks()
    settle(redis, quiet_s=2.0)
    assert [r["trigger"] for r in runs(redis)] == ["sprint_end", "sprint_end"]
    assert schedules.scheduled_jobs(redis, "shop") == {}


def test_hand_edit_is_recorded_and_the_next_run_restores_it(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    from worker.services.sync_requests import request_sync

    scored_board(redis)
    register_webhook(jira.url, bridge.url)
    request_sync(redis, "shop", "manual")
    wait_for("the first run", lambda: finished_runs(redis))
    jira.flush_webhooks()
    settle(redis)
    edit = jira.http.put(
        f"{jira.url}/rest/api/2/issue/SHOP-1",
        json={"fields": {VALUE: 99}},
        auth=("dev", "dev"),
        timeout=10,
    )
    assert edit.status_code == 204, edit.text
    jira.flush_webhooks()
    edits = wait_for("the hand edit", lambda: manual_edits(redis, "shop"))
    assert [(e["issue"], e["field"], e["user"], e["from"], e["to"]) for e in edits] == [
        ("SHOP-1", VALUE, "dev", "1", "99")
    ]
    request_sync(redis, "shop", "manual")
    wait_for("the restoring run", lambda: len(finished_runs(redis)) == 2)
    assert jira.field("SHOP-1", VALUE) == 1.0


def test_board_configuration_change_records_card_layout_and_sort_drift(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    from dataclasses import replace

    from worker.services.webhook_events import board_drift
    from worker.store import BoardStore

    make_board(redis)
    BoardStore(redis).update(
        "shop", lambda b: replace(b, options=replace(b.options, sort_board_by="priority"))
    )
    register_webhook(jira.url, bridge.url)
    layout = "/rest/greenhopper/1.0/cardlayout/1/{mode}/field"
    # Someone edits the board's card layout in Jira: our field is on neither mode's cards,
    # and the board filter is still ordered by Rank.
    added = jira.admin(
        "POST", layout.format(mode="planMode"), json={"fieldId": "customfield_10101"}
    )
    assert added.status_code in (200, 201), added.text
    jira.flush_webhooks()
    report = wait_for("a drift report", lambda: board_drift(redis, "shop"))
    assert report["ok"] is False
    assert {(d["kind"], d.get("mode")) for d in report["drift"]} == {
        ("card_layout", "planMode"),
        ("card_layout", "workMode"),
        ("sort", None),
    }
    # Put our field on both modes and order the filter by it: the next change reports no drift.
    jira.admin(
        "PUT", "/rest/api/2/filter/10000", json={"jql": "project = SHOP ORDER BY cf[10100] ASC"}
    )
    for mode in ("planMode", "workMode"):
        jira.admin("POST", layout.format(mode=mode), json={"fieldId": VALUE})
    jira.flush_webhooks()
    wait_for("a clean report", lambda: (board_drift(redis, "shop") or {}).get("ok"))
    settle(redis)
    assert board_drift(redis, "shop")["drift"] == []


def test_sprint_closed_runs_even_when_jira_refuses_the_sprint_reread(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    scored_board(redis)
    closed = sprint_event(jira, "sprint_closed", 1, 1_900_000_000_005)
    jira.configure(
        fail=[{"path_regex": r"^/rest/agile/1\.0/sprint/1$", "status": 500, "count": 50}]
    )
    assert bridge.post(closed) == 204
    done = wait_for("the sprint-end run", lambda: finished_runs(redis))
    assert [(r["trigger"], r["state"]) for r in done] == [("sprint_end", "succeeded")]
    assert jira.field("SHOP-1", VALUE) == 1.0
    assert jira.stats()["injected_failures"] >= 1  # the re-read was tried and refused


def test_jira_9_delivers_inline_and_the_sprint_still_runs_once(
    redis: Redis, jira: SimServer, bridge: BridgeServer, worker: object
) -> None:
    jira.reset(dataset="demo", version="9.12")  # 9.x: old path, synchronous delivery, no HMAC
    try:
        scored_board(redis)
        register_webhook(jira.url, bridge.url)
        jira.close_sprint(1)
        done = wait_for("the sprint-end run", lambda: finished_runs(redis))
        assert [(r["trigger"], r["state"]) for r in done] == [("sprint_end", "succeeded")]
        assert jira.field("SHOP-2", VALUE) == 2.0
        settle(redis)
        assert len(runs(redis)) == 1
    finally:
        jira.reset(dataset="demo")
