"""Custom schedules and the reconciler against real workers and the simulated Jira."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from redis import Redis

from tests.bridge.webhook_e2e_support import finished_runs, runs, settle, wait_for
from tests.bridge.webhook_support import make_board
from tests.conftest import base_env
from tests.harness.jira_sim import SimServer
from tests.harness.worker_process import WorkerProcess
from worker import scheduling
from worker.connection import get_queue
from worker.jira import JiraClient
from worker.model import Schedule, Score
from worker.services import reconcile, schedules
from worker.settings import JiraSettings
from worker.store import ScoreStore

pytestmark = pytest.mark.slow
VALUE = "customfield_10100"


@pytest.fixture
def app_env(redis_url: str, jira: SimServer) -> dict[str, str]:
    return base_env(redis_url, jira.url)


@pytest.fixture
def second_worker(
    app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    log = tmp_path_factory.mktemp("worker2") / "worker.log"
    proc = WorkerProcess({"SYNCBACK_RUN_LEASE_S": "3", **app_env}, log=log).start()
    yield proc
    proc.stop()


def test_custom_slot_a_minute_ahead_in_kolkata_fires_once_with_two_workers(
    redis: Redis, jira: SimServer, worker: WorkerProcess, second_worker: WorkerProcess
) -> None:
    tz = ZoneInfo("Asia/Kolkata")  # +05:30: a slot in UTC is never on the local minute grid
    slot_local = (datetime.now(tz) + timedelta(seconds=61)).replace(second=0, microsecond=0)
    schedule = Schedule(
        mode="custom",
        weekday=scheduling.WEEKDAYS[slot_local.weekday()],
        time=slot_local.strftime("%H:%M"),
        timezone="Asia/Kolkata",
    )
    make_board(redis, schedule=schedule)
    ScoreStore(redis).put("shop", [Score("SHOP-1", 30.0), Score("SHOP-2", 20.0)])
    # The admin API, a reconciler tick and both workers' start-up may all plan at once.
    planners = [
        threading.Thread(target=schedules.plan_board, args=(redis, "shop")) for _ in range(4)
    ]
    for t in planners:
        t.start()
    for t in planners:
        t.join()
    # Each worker's start enqueued a reconcile; together they keep one self-rescheduling tick.
    registry = get_queue(redis).scheduled_job_registry
    ticks = wait_for(
        "the reconcile tick",
        lambda: [j for j in registry.get_job_ids() if j.startswith("reconcile_")],
    )
    assert len(ticks) == 1
    slot = slot_local.astimezone(UTC)
    job_id = scheduling.custom_job_id("shop", slot)
    assert list(schedules.scheduled_jobs(redis, "shop")) == [job_id]

    wait_for("the scheduled run", lambda: finished_runs(redis), timeout=150)
    settle(redis, quiet_s=3.0)
    assert [(r["trigger"], r["state"]) for r in runs(redis)] == [("schedule", "succeeded")]
    assert [jira.field(k, VALUE) for k in ("SHOP-1", "SHOP-2")] == [1.0, 2.0]
    # The fired slot planned the next one: same local time, a week later.
    assert list(schedules.scheduled_jobs(redis, "shop")) == [
        scheduling.custom_job_id("shop", (slot_local + timedelta(days=7)).astimezone(UTC))
    ]


def test_reconciler_plans_the_end_of_an_active_sprint_without_any_event(
    redis: Redis, jira: SimServer
) -> None:
    make_board(redis)
    sprint = jira.admin("GET", "/rest/agile/1.0/sprint/1").json()
    end = scheduling.parse_jira_datetime(sprint["endDate"])
    client = JiraClient(JiraSettings(jira.url, token="demo-admin-token"))
    report = reconcile.reconcile(redis, client)
    expected = scheduling.sprint_end_job_id("shop", 1, end)
    assert report["boards"]["shop"]["sprints"] == [{"sprint": 1, "job_id": expected}]
    planned = schedules.scheduled_jobs(redis, "shop")
    assert list(planned) == [expected]
    if end > datetime.now(UTC):
        assert planned[expected] == end
    # the next reconcile finds it in place and changes nothing
    again = reconcile.reconcile(redis, client)
    assert again["boards"]["shop"]["cancelled"] == []
    assert list(schedules.scheduled_jobs(redis, "shop")) == [expected]
