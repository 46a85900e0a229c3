"""The reconciler's stale-run sweep on a real Redis: dead runs are failed without anyone looking."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from tests.sync_fixtures import make_board
from worker.services import reconcile, run_lock
from worker.services.sync_requests import (
    LOST_JOB_MESSAGE,
    STALE_MESSAGE,
    mark_started,
    request_revert,
    request_sync,
)
from worker.store import BoardStore, RunStore


@pytest.fixture(autouse=True)
def short_lease(monkeypatch) -> None:
    monkeypatch.setenv(run_lock.LEASE_ENV, "1")


def started(redis, board_id: str) -> str:
    """A run as a worker starts it: lease, active set, board lock, `running`."""
    run_id = request_sync(redis, board_id, "manual").run_id
    run_lock.touch_lease(redis, run_id)
    redis.sadd(run_lock.ACTIVE_KEY, run_id)
    assert run_lock.try_lock_board(redis, board_id, run_id)
    assert mark_started(redis, board_id, run_id, False)
    return run_id


def test_one_pass_fails_a_run_whose_lease_expired_and_leaves_a_live_one(redis) -> None:
    BoardStore(redis).create(make_board("shop"))
    BoardStore(redis).create(make_board("ops", project_keys=("OPS",)))
    dead = started(redis, "shop")
    runs = RunStore(redis)
    live = request_sync(redis, "ops", "manual").run_id
    with run_lock.Heartbeat(redis, "ops", live) as beat:  # a worker that is alive
        assert run_lock.try_lock_board(redis, "ops", live)
        beat.holds_lock = True
        assert mark_started(redis, "ops", live, False)
        time.sleep(1.3)  # the dead run's lease (1 s) expires; the live one is renewed
        report = reconcile.reconcile(redis, None)
        assert report["stale_runs"] == [dead]
        assert runs.state(live) == "running"
        assert run_lock.lock_holder(redis, "ops") == live
        assert runs.transition(live, ("running",), state="succeeded")  # it ends normally
    failed = runs.get(dead)
    assert failed["state"] == "failed" and failed["message"] == STALE_MESSAGE
    assert "finished_at" in failed
    assert not redis.sismember(run_lock.ACTIVE_KEY, dead)
    assert reconcile.reconcile(redis, None)["stale_runs"] == []  # idempotent
    assert runs.state(live) == "succeeded"


def test_sweep_fails_runs_nobody_points_at(redis) -> None:
    """A revert with a lost job, and a running run missing from the active set."""
    BoardStore(redis).create(make_board("shop"))
    runs = RunStore(redis)
    original = request_sync(redis, "shop", "manual").run_id
    runs.set(original, state="succeeded")
    old_revert = request_revert(redis, original)
    young_revert = request_revert(redis, original)
    for req in (old_revert, young_revert):
        Job.fetch(req.job_id, connection=redis, serializer=JSONSerializer).delete()
    long_ago = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    runs.set(old_revert.run_id, created_at=long_ago)
    orphan = request_sync(redis, "shop", "manual").run_id
    runs.set(orphan, state="running")  # never in the active set, and no lease
    report = reconcile.reconcile(redis, None)
    assert sorted(report["stale_runs"]) == sorted([old_revert.run_id, orphan])
    assert runs.get(old_revert.run_id)["message"] == LOST_JOB_MESSAGE
    assert runs.get(orphan)["message"] == STALE_MESSAGE
    # Created moments ago: its job may still be on its way (a request in progress).
    assert runs.state(young_revert.run_id) == "queued"
    assert runs.state(original) == "succeeded"
