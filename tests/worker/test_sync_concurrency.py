"""One run per board at a time across worker processes; a slot is one run across processes."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime

import pytest

from tests.conftest import base_env
from tests.harness.processes import ROOT
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import make_board, put_scores, start_sync, wait_run
from worker.store import BoardStore, RunStore

pytestmark = pytest.mark.slow


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    return base_env(redis_url, jira.url)


def test_two_workers_never_run_one_board_at_once(
    client, auth_headers, redis, jira, app_env, tmp_path
) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, [{"issue": f"SHOP-{i}", "score": i} for i in range(1, 13)])
    jira.configure(latency_ms=40)
    env = {**app_env, "SYNCBACK_CONCURRENCY": "1"}
    workers = [WorkerProcess(env, log=tmp_path / f"w{i}.log").start() for i in range(2)]
    try:
        first = start_sync(client, auth_headers)["run_id"]
        deadline = time.monotonic() + 60
        while RunStore(redis).state(first) == "queued":
            assert time.monotonic() < deadline, "no worker took the first run"
            time.sleep(0.01)
        second = start_sync(client, auth_headers)
        assert not second["joined"]  # the first one is running: a new run is queued
        third = start_sync(client, auth_headers)
        assert third["joined"] and third["run_id"] == second["run_id"]
        runs = [wait_run(client, auth_headers, r) for r in (first, second["run_id"])]
    finally:
        for w in workers:
            w.stop()
    assert [r["state"] for r in runs] == ["succeeded", "succeeded"]
    ended = datetime.fromisoformat(runs[0]["finished_at"])
    assert datetime.fromisoformat(runs[1]["started_at"]) >= ended  # waited for the board lock
    assert runs[1]["counts"]["written"] == 0 and runs[1]["counts"]["unchanged"] == 12


SCRIPT = """
import sys, time, redis
from worker.services.sync_requests import request_sync
conn = redis.Redis.from_url(sys.argv[1])
start = float(sys.argv[2])
while time.time() < start:
    pass
r = request_sync(conn, "shop", "sprint_end", slot="sprint-7")
print(r.run_id, int(r.joined))
"""


def test_one_slot_from_many_processes_is_one_run(redis, redis_url) -> None:
    BoardStore(redis).create(make_board())
    start = time.time() + 2.0  # every process is imported and spinning by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, redis_url, str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    answers = [p.communicate(timeout=60)[0].split() for p in procs]
    assert len({run_id for run_id, _ in answers}) == 1
    assert sorted(joined for _, joined in answers) == ["0", "1", "1", "1", "1", "1"]
    assert len(RunStore(redis).history("shop")) == 1
