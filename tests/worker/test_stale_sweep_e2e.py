"""A SIGKILLed worker's run is failed by a reconciler tick, with no request or read of the run.

Real worker processes, real Redis, the simulator over HTTP. Runs are read through RunStore
only: the API's run read would itself recover the run, and this test is about nobody looking.
"""

from __future__ import annotations

import time

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from tests.conftest import base_env
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import PRIORITY_FIELD, make_board, put_scores, start_sync, wait_run
from worker import scoring
from worker.connection import get_queue
from worker.model import Score
from worker.services import reconcile
from worker.services.sync_requests import STALE_MESSAGE
from worker.store import BoardStore, RunStore

pytestmark = pytest.mark.slow

SCORES = [{"issue": f"SHOP-{i}", "score": float(i)} for i in range(1, 21)]
RANKS = scoring.rank(Score(s["issue"], s["score"]) for s in SCORES)


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    return base_env(redis_url, jira.url)


def wait_until(what: str, check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def swept_by_reconciler(redis) -> list[str]:
    """Run ids failed by the reconcile jobs that have finished (from their results)."""
    out = []
    for job_id in get_queue(redis).finished_job_registry.get_job_ids():
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
        if job.func_name == "worker.jobs.schedule.reconcile_tick":
            out += (job.return_value() or {}).get("stale_runs", [])
    return out


def test_reconciler_fails_a_dead_workers_run_and_spares_a_live_one(
    client, auth_headers, redis, jira, app_env, tmp_path
) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)
    runs = RunStore(redis)
    env = {**app_env, "SYNCBACK_CONCURRENCY": "1", "SYNCBACK_RUN_LEASE_S": "2"}
    jira.configure(latency_ms=80)
    first = WorkerProcess(env, log=tmp_path / "w1.log").start()
    killed = start_sync(client, auth_headers)["run_id"]
    wait_until("progress", lambda: runs.get(killed, details=False)["progress"]["done"] >= 4)
    first.kill()
    time.sleep(2.5)  # the lease (2 s) expires: nothing renews it
    assert runs.state(killed) == "running"  # nobody has looked yet

    second = WorkerProcess(env, log=tmp_path / "w2.log").start()
    try:
        # One reconciler tick, as the 5-minute chain would run it, on the live worker.
        job = get_queue(redis).enqueue("worker.jobs.schedule.reconcile_tick")
        wait_until("the tick", lambda: job.get_status(refresh=True) == "finished")
        failed = runs.get(killed, details=False)
        assert failed["state"] == "failed" and failed["message"] == STALE_MESSAGE
        assert "finished_at" in failed
        # Failed by a reconciler pass: this tick, or the new worker's start-up reconcile when
        # it began in a later minute than the first worker's.
        assert killed in swept_by_reconciler(redis)

        jira.configure(latency_ms=150)  # the remaining writes take about two seconds
        live = start_sync(client, auth_headers)["run_id"]
        wait_until(
            "the live run to write",
            lambda: runs.get(live, details=False)["progress"]["done"] >= 1,
        )
        assert runs.state(live) == "running"
        assert reconcile.reconcile(redis, None)["stale_runs"] == []  # heartbeat renews it
        assert runs.state(live) == "running"
        done = wait_run(client, auth_headers, live)
        assert done["state"] == "succeeded", done
        assert {k: jira.field(k, PRIORITY_FIELD) for k in RANKS} == RANKS
    finally:
        second.stop()
