"""worker.services.sync_requests: join the queued run, slots exactly once, stale-run recovery."""

from __future__ import annotations

import threading
import time

import redis as redis_lib
from rq.job import Job
from rq.serializers import JSONSerializer

from tests.sync_fixtures import make_board
from worker.services import run_lock
from worker.services.sync_requests import (
    mark_started,
    recover_stale,
    request_revert,
    request_sync,
)
from worker.store import BoardStore, RunStore


def test_second_request_joins_the_queued_run(redis) -> None:
    BoardStore(redis).create(make_board())
    first = request_sync(redis, "shop", "manual")
    second = request_sync(redis, "shop", "schedule")
    assert not first.joined and second.joined and second.run_id == first.run_id
    job = Job.fetch(first.job_id, connection=redis, serializer=JSONSerializer)
    assert job.func_name == "worker.jobs.sync.run_sync" and job.args == [first.run_id]
    dry = request_sync(redis, "shop", "manual", dry_run=True)
    assert not dry.joined and dry.run_id != first.run_id  # a dry run is a different plan
    assert [r["state"] for r in RunStore(redis).history("shop")] == ["queued", "queued"]


def test_a_started_run_is_not_joined(redis) -> None:
    BoardStore(redis).create(make_board())
    first = request_sync(redis, "shop", "manual")
    assert mark_started(redis, "shop", first.run_id, False)
    assert not mark_started(redis, "shop", first.run_id, False)  # only once
    second = request_sync(redis, "shop", "manual")
    assert not second.joined and second.run_id != first.run_id


def test_same_slot_from_many_clients_makes_one_run(redis, redis_url) -> None:
    BoardStore(redis).create(make_board())
    results, barrier = [], threading.Barrier(12)

    def ask(n: int) -> None:
        conn = redis_lib.Redis.from_url(redis_url)  # one connection each, like separate processes
        barrier.wait()
        results.append(request_sync(conn, "shop", "sprint_end", slot="sprint-12"))
        if n % 3 == 0:  # the run starts meanwhile: later requests must still not make another
            mark_started(conn, "shop", results[-1].run_id, False)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.run_id for r in results}) == 1
    assert sum(not r.joined for r in results) == 1
    again = request_sync(redis, "shop", "sprint_end", slot="sprint-12")
    assert again.joined and again.run_id == results[0].run_id
    assert len(RunStore(redis).history("shop")) == 1
    other = request_sync(redis, "shop", "sprint_end", slot="sprint-13")
    assert other.run_id != results[0].run_id


def test_a_slot_left_by_a_dead_requester_is_reused(redis) -> None:
    BoardStore(redis).create(make_board())
    key = "syncback:sync-slot:shop:s1"
    redis.set(key, f"deadbeefdeadbeef {time.time() - 5}")  # run not created (yet?)
    res = request_sync(redis, "shop", "schedule", slot="s1")
    assert res.joined and res.run_id == "deadbeefdeadbeef"  # maybe just slow: never a second
    redis.set(key, f"deadbeefdeadbeef {time.time() - 120}")  # its requester died long ago
    res = request_sync(redis, "shop", "schedule", slot="s1")
    assert not res.joined and RunStore(redis).exists(res.run_id)


def test_running_run_without_heartbeat_is_failed(redis, monkeypatch) -> None:
    monkeypatch.setenv(run_lock.LEASE_ENV, "1")
    BoardStore(redis).create(make_board())
    req = request_sync(redis, "shop", "manual")
    run_lock.touch_lease(redis, req.run_id)
    redis.sadd(run_lock.ACTIVE_KEY, req.run_id)
    assert run_lock.try_lock_board(redis, "shop", req.run_id)
    mark_started(redis, "shop", req.run_id, False)
    assert recover_stale(redis, "shop") == []  # lease still alive
    time.sleep(1.2)  # the worker "died": nobody renews the lease
    assert recover_stale(redis, "shop") == [req.run_id]
    run = RunStore(redis).get(req.run_id)
    assert run["state"] == "failed" and "no heartbeat" in run["message"]
    assert run_lock.lock_holder(redis, "shop") is None  # board lock expired with the lease
    assert not redis.sismember(run_lock.ACTIVE_KEY, req.run_id)


def test_queued_run_whose_job_vanished_is_failed(redis) -> None:
    BoardStore(redis).create(make_board())
    req = request_sync(redis, "shop", "manual")
    Job.fetch(req.job_id, connection=redis, serializer=JSONSerializer).delete()
    assert recover_stale(redis, "shop") == [req.run_id]
    fresh = request_sync(redis, "shop", "manual")
    assert not fresh.joined and fresh.run_id != req.run_id


def test_heartbeat_keeps_lease_and_lock(redis, monkeypatch) -> None:
    monkeypatch.setenv(run_lock.LEASE_ENV, "1")
    with run_lock.Heartbeat(redis, "shop", "r1") as beat:
        assert run_lock.try_lock_board(redis, "shop", "r1")
        assert not run_lock.try_lock_board(redis, "shop", "r2")
        beat.holds_lock = True
        time.sleep(1.6)
        assert run_lock.lease_alive(redis, "r1") and run_lock.lock_holder(redis, "shop") == "r1"
    assert not run_lock.lease_alive(redis, "r1") and run_lock.lock_holder(redis, "shop") is None


def test_revert_request_makes_a_revert_run(redis) -> None:
    BoardStore(redis).create(make_board())
    original = request_sync(redis, "shop", "manual")
    rev = request_revert(redis, original.run_id)
    run = RunStore(redis).get(rev.run_id)
    assert run["trigger"] == "revert" and run["reverts"] == original.run_id


def test_unknown_board_creates_nothing(redis) -> None:
    import pytest

    from worker.store import BoardNotFoundError

    with pytest.raises(BoardNotFoundError):
        request_sync(redis, "ghost", "schedule", slot="s1")
    assert RunStore(redis).history("ghost") == [] and not redis.keys("syncback:sync-slot:*")


def test_deleting_a_board_forgets_its_sync_keys(redis) -> None:
    BoardStore(redis).create(make_board())
    BoardStore(redis).create(make_board("shop-2"))
    request_sync(redis, "shop", "manual", slot="s1")
    request_sync(redis, "shop-2", "manual", slot="s1")
    redis.sadd("syncback:sync-touched:shop", "SHOP-1")
    RunStore(redis).delete_board("shop")
    left = sorted(k.decode() for k in redis.keys("syncback:sync-*"))
    assert left == ["syncback:sync-queued:shop-2:0", "syncback:sync-slot:shop-2:s1"]


def test_sweep_never_fails_a_run_whose_job_is_being_enqueued(redis, redis_url) -> None:
    """The gap between "run created" and "job enqueued" (inside the board mutex) is not a loss."""
    from worker.connection import get_queue
    from worker.services.sync_requests import JOB_FUNC, job_id_for, queued_key, sweep_stale

    BoardStore(redis).create(make_board())
    runs = RunStore(redis)
    swept: list[list[str]] = []
    with run_lock.board_mutex(redis, "shop"):
        # Exactly what request_sync has done at this point: run, job id, queued pointer; no job.
        run_id = runs.create("shop", "manual")
        runs.set(run_id, job_id=job_id_for(run_id))
        redis.set(queued_key("shop", False), run_id)
        sweeper = threading.Thread(
            target=lambda: swept.append(sweep_stale(redis_lib.Redis.from_url(redis_url), ["shop"]))
        )
        sweeper.start()
        sweeper.join(0.5)
        assert sweeper.is_alive(), "the sweep must wait for the board mutex"
        get_queue(redis).enqueue(JOB_FUNC, run_id, job_id=job_id_for(run_id))
    sweeper.join(30)
    assert swept == [[]]
    assert runs.get(run_id, details=False)["state"] == "queued"
