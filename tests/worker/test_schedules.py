"""Schedules as RQ scheduled jobs on a real Redis: plan, re-plan, cancel, uniqueness."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from redis import Redis

from tests.bridge.webhook_support import make_board
from worker.connection import get_queue
from worker.model import Board, Schedule
from worker.services import reconcile, schedules
from worker.store import BoardStore

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # a Friday
MONDAY_9_BERLIN = Schedule(mode="custom", weekday="monday", time="09:00", timezone="Europe/Berlin")


def test_custom_board_gets_exactly_its_next_slot(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    result = schedules.plan_board(redis, "shop", NOW)
    assert result["next_run"] == "2026-12-07T08:00:00+00:00"
    assert schedules.scheduled_jobs(redis, "shop") == {
        "custom_shop_20261207T0800Z": datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    }
    job = get_queue(redis).fetch_job("custom_shop_20261207T0800Z")
    assert job.func_name == "worker.jobs.schedule.run_custom_slot"
    assert list(job.args) == ["shop", "2026-12-07T08:00Z"]


def test_planning_twice_or_from_two_places_schedules_once(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    first = schedules.plan_board(redis, "shop", NOW)
    second = schedules.plan_board(redis, "shop", NOW + timedelta(minutes=5))
    assert first["scheduled"] == ["custom_shop_20261207T0800Z"]
    assert second["scheduled"] == []  # the unique id was taken: DuplicateJobError, not a copy
    assert len(get_queue(redis).scheduled_job_registry.get_job_ids()) == 1


def test_schedule_change_replaces_the_slot(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    schedules.plan_board(redis, "shop", NOW)
    tuesday = Schedule(mode="custom", weekday="tuesday", time="07:30", timezone="America/New_York")
    BoardStore(redis).update("shop", lambda b: replace(b, schedule=tuesday))
    result = schedules.plan_board(redis, "shop", NOW)
    assert result["cancelled"] == ["custom_shop_20261207T0800Z"]
    assert list(schedules.scheduled_jobs(redis, "shop")) == ["custom_shop_20261208T1230Z"]
    assert get_queue(redis).fetch_job("custom_shop_20261207T0800Z") is None


def test_inactive_deleted_or_sprint_end_board_has_no_custom_slot(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    schedules.plan_board(redis, "shop", NOW)
    BoardStore(redis).update("shop", lambda b: replace(b, active=False))
    assert schedules.plan_board(redis, "shop", NOW)["cancelled"] == ["custom_shop_20261207T0800Z"]

    make_board(redis, board_id="ops", schedule=MONDAY_9_BERLIN)
    schedules.plan_board(redis, "ops", NOW)
    BoardStore(redis).delete("ops")
    assert schedules.plan_board(redis, "ops", NOW)["cancelled"] == ["custom_ops_20261207T0800Z"]

    make_board(redis, board_id="web", schedule=MONDAY_9_BERLIN)
    schedules.plan_board(redis, "web", NOW)
    sprint_end = Schedule(mode="sprint_end")
    BoardStore(redis).update("web", lambda b: replace(b, schedule=sprint_end))
    assert schedules.plan_board(redis, "web", NOW)["cancelled"] == ["custom_web_20261207T0800Z"]
    assert schedules.scheduled_jobs(redis) == {}


def sprint(state: str = "active", end: str = "2026-12-14T17:00:00.000+01:00") -> dict:
    return {"id": 7, "state": state, "endDate": end, "originBoardId": 1}


def test_sprint_end_is_planned_and_replanned_when_the_date_moves(redis: Redis) -> None:
    board = make_board(redis)
    first = schedules.plan_sprint_end(redis, board, sprint(), NOW)
    assert first == f"sprintend_shop_7_{int(datetime(2026, 12, 14, 16, tzinfo=UTC).timestamp())}"
    again = schedules.plan_sprint_end(redis, board, sprint(), NOW)
    assert again == first and list(schedules.scheduled_jobs(redis, "shop")) == [first]
    moved = schedules.plan_sprint_end(redis, board, sprint(end="2026-12-15T17:00:00.000+0100"), NOW)
    assert moved != first
    assert list(schedules.scheduled_jobs(redis, "shop")) == [moved]
    # plan_board keeps planned sprint ends of a sprint_end board
    assert schedules.plan_board(redis, "shop", NOW)["cancelled"] == []
    assert schedules.plan_sprint_end(redis, board, sprint(state="closed"), NOW) is None
    assert schedules.scheduled_jobs(redis, "shop") == {}


def test_an_overrun_sprint_end_runs_at_once(redis: Redis) -> None:
    board = make_board(redis)
    schedules.plan_sprint_end(redis, board, sprint(end="2026-12-01T17:00:00.000Z"), NOW)
    assert list(schedules.scheduled_jobs(redis, "shop").values()) == [NOW]


def test_fired_slots_recheck_their_reason() -> None:
    b = Board(id="b", name="b", emoji="", jira_board_id=1, project_keys=("A",), active=True,
              schedule=MONDAY_9_BERLIN)  # fmt: skip
    assert schedules.custom_slot_due(b, "2026-12-07T08:00Z", NOW + timedelta(days=3)) is None
    assert "no longer matches" in schedules.custom_slot_due(b, "2026-12-07T09:00Z", NOW)
    late = schedules.custom_slot_due(b, "2026-12-07T08:00Z", NOW + timedelta(days=4))
    assert "late" in late
    assert schedules.sprint_end_reached(sprint(state="closed"), 0) is None
    end = int(datetime(2026, 12, 14, 16, tzinfo=UTC).timestamp())
    assert schedules.sprint_end_reached(sprint(), end) is None
    assert "moved" in schedules.sprint_end_reached(sprint(), end + 60)
    assert "future" in schedules.sprint_end_reached(sprint(state="future"), end)


def test_reconcile_repairs_and_drops_orphans(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    gone = make_board(redis, board_id="gone")
    schedules.plan_sprint_end(redis, gone, sprint(), NOW)
    BoardStore(redis).delete("gone")
    report = reconcile.reconcile(redis, None, NOW)
    assert report["boards"]["shop"]["scheduled"] == ["custom_shop_20261207T0800Z"]
    assert report["orphans"] and report["orphans"][0].startswith("sprintend_gone_7_")
    assert list(schedules.scheduled_jobs(redis)) == ["custom_shop_20261207T0800Z"]
    # a second pass changes nothing
    again = reconcile.reconcile(redis, None, NOW)
    assert again["boards"]["shop"]["scheduled"] == [] and again["orphans"] == []


def test_reconcile_chain_and_start_are_unique(redis: Redis) -> None:
    registry = get_queue(redis).scheduled_job_registry
    a = reconcile.schedule_next_tick(redis, NOW)
    b = reconcile.schedule_next_tick(redis, NOW + timedelta(seconds=30))
    assert a == b == "reconcile_20261204T120500Z"
    assert registry.get_job_ids() == [a]
    reconcile.start(redis, NOW)
    reconcile.start(redis, NOW + timedelta(seconds=10))
    assert get_queue(redis).job_ids == ["reconcile_start_20261204T1200Z"]


def test_an_invalid_stored_schedule_is_reported_not_fatal(redis: Redis) -> None:
    bad = Schedule(mode="custom", weekday="monday", time="09:00", timezone="Atlantis/Capital")
    make_board(redis, board_id="bad", schedule=bad)
    make_board(redis, schedule=MONDAY_9_BERLIN)
    report = reconcile.reconcile(redis, None, NOW)
    assert report["boards"]["bad"]["error"].startswith("timezone:")
    assert list(schedules.scheduled_jobs(redis)) == ["custom_shop_20261207T0800Z"]


def test_slot_jobs_retry(redis: Redis) -> None:
    make_board(redis, schedule=MONDAY_9_BERLIN)
    schedules.plan_board(redis, "shop", NOW)
    job = get_queue(redis).fetch_job("custom_shop_20261207T0800Z")
    assert job.retries_left == 3
