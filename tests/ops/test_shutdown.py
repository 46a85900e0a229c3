"""Graceful shutdown of a real `syncback worker`: SIGTERM in the middle of a slow sync lets the
job checkpoint, the worker exits 0, nothing stays `running`, and the queued follow-up run
finishes the board with every value right."""

from __future__ import annotations

import os
import signal
import time

import pytest
from rq.registry import StartedJobRegistry

from tests.conftest import base_env
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import PRIORITY_FIELD, make_board, put_scores, start_sync, wait_run
from worker.connection import get_queue
from worker.store import BoardStore

pytestmark = pytest.mark.slow

SCORES = [{"issue": f"SHOP-{n}", "score": float(n)} for n in range(1, 21)]


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    # One writer at 300 ms per Jira call: the 20 writes take ~6 s, so SIGTERM lands mid-run.
    return {**base_env(redis_url, jira.url), "SYNCBACK_CONCURRENCY": "1"}


def _wait_written(client, headers, run_id: str, at_least: int) -> dict:
    deadline = time.monotonic() + 30
    while True:
        run = client.get(f"/api/syncs/{run_id}", headers=headers).json
        if run["counts"]["written"] >= at_least:
            return run
        assert time.monotonic() < deadline, run
        time.sleep(0.05)


def _all_values_right(jira) -> None:
    for n in range(1, 21):
        assert jira.field(f"SHOP-{n}", PRIORITY_FIELD) == 21 - n, n


@pytest.mark.parametrize("target", ["main process", "every process"])
def test_sigterm_mid_sync_checkpoints_and_nothing_stays_running(
    target, client, auth_headers, redis, jira, app_env, tmp_path
):
    """`main process` is systemd's KillMode=mixed (deploy/); `every process` is the default
    control-group mode, which also signals the work horse."""
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)
    jira.configure(latency_ms=300)
    worker = WorkerProcess(app_env, log=tmp_path / "worker.log").start()
    try:
        started = start_sync(client, auth_headers)
        _wait_written(client, auth_headers, started["run_id"], 2)
        procs = worker.processes()
        assert len(procs) >= 2, "a work horse runs the sync"
        for proc in procs if target == "every process" else procs[:1]:
            os.kill(proc.pid, signal.SIGTERM)
        assert worker.proc.wait(60) == 0
        worker.proc = None
    finally:
        jira.configure()
        worker.stop()

    run = client.get(f"/api/syncs/{started['run_id']}", headers=auth_headers).json
    assert run["state"] == "failed" and "stopped early by a worker shutdown" in run["message"]
    assert 2 <= run["counts"]["written"] < 20, run["counts"]
    assert run["followed_by"]
    queue = get_queue(redis)
    assert StartedJobRegistry(queue=queue).get_job_ids(cleanup=False) == []
    assert queue.fetch_job(started["job_id"]).get_status() == "finished"
    # What was written before the stop is already right.
    for change in run["changes"]:
        n = int(change["issue"].split("-")[1])
        assert jira.field(change["issue"], PRIORITY_FIELD) == 21 - n

    follow_up = client.get(f"/api/syncs/{run['followed_by']}", headers=auth_headers).json
    assert follow_up["state"] == "queued"
    restarted = WorkerProcess(app_env, log=tmp_path / "worker2.log").start()
    try:
        done = wait_run(client, auth_headers, run["followed_by"])
    finally:
        restarted.stop()
    assert done["state"] == "succeeded", done
    assert done["counts"]["written"] == 20 - run["counts"]["written"]
    _all_values_right(jira)
