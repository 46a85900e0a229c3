"""A real flow at DEBUG level (bridge under gunicorn, a worker, the simulator): every line both
processes print is one JSON event, worker lines carry job/run/board, and no secret appears."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import API_TOKEN, SECRET_KEY, WEBHOOK_TOKEN, base_env
from tests.harness.processes import free_port, spawn_python, stop, wait_for_port
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import make_board
from worker.store import BoardStore

pytestmark = pytest.mark.slow

JIRA_PAT = "demo-admin-token"
WRONG_TOKEN = "wrong-token-Qx81Lm2077"


def _json_lines(path: Path) -> list[dict]:
    events = []
    for line in path.read_text().splitlines():
        if line.strip():
            events.append(json.loads(line))  # raises (and fails the test) on a non-JSON line
    return events


def test_real_flow_logs_are_json_with_context_and_free_of_secrets(redis, jira, tmp_path):
    env = {**base_env(f"redis://127.0.0.1:{redis.connection_pool.connection_kwargs['port']}/0",
                      jira.url), "SYNCBACK_LOG_LEVEL": "DEBUG"}  # fmt: skip
    port = free_port()
    bridge_log, worker_log = tmp_path / "bridge.log", tmp_path / "worker.log"
    bridge = spawn_python(
        ["-m", "bridge.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        log=bridge_log,
    )
    worker = WorkerProcess(env, log=worker_log)
    base = f"http://127.0.0.1:{port}"
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    secrets = [API_TOKEN, WEBHOOK_TOKEN, SECRET_KEY, JIRA_PAT, WRONG_TOKEN]
    try:
        wait_for_port(port, bridge)
        worker.start()
        BoardStore(redis).create(make_board())
        scores = [{"issue": f"SHOP-{n}", "score": float(n)} for n in range(1, 6)]
        r = requests.put(f"{base}/api/boards/shop/scores", json={"scores": scores}, headers=bearer)
        assert r.status_code == 200, r.text
        assert requests.get(f"{base}/api/health", timeout=10).json()["jira"] == "ok"

        # A person logs in with a Jira token; the session cookie and CSRF token are secrets too.
        web = requests.Session()
        form = web.get(f"{base}/admin/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        login = web.post(
            f"{base}/admin/login",
            data={"method": "token", "password": JIRA_PAT, "csrf_token": csrf, "next": "/admin"},
            allow_redirects=False,
        )
        assert login.status_code == 302, login.text
        assert web.get(f"{base}/admin/queue").status_code == 200
        secrets += [web.cookies["session"], csrf]

        run = requests.post(f"{base}/api/boards/shop/syncs", json={}, headers=bearer).json()
        deadline = time.monotonic() + 60
        while requests.get(f"{base}/api/syncs/{run['run_id']}", headers=bearer).json()[
            "state"
        ] not in ("succeeded", "partial", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        wrong = {"Authorization": f"Bearer {WRONG_TOKEN}"}
        assert requests.get(f"{base}/api/boards", headers=wrong).status_code == 401
        hook = requests.post(f"{base}/webhooks/jira/{WEBHOOK_TOKEN}", json={"webhookEvent": 1})
        assert hook.status_code == 400
        assert requests.post(f"{base}/webhooks/jira/{WRONG_TOKEN}", json={}).status_code == 401
        assert requests.get(f"{base}/metrics", headers=bearer).status_code == 200
    finally:
        worker.stop()
        stop(bridge)

    bridge_events, worker_events = _json_lines(bridge_log), _json_lines(worker_log)
    everything = bridge_log.read_text() + worker_log.read_text()
    for secret in secrets:
        assert secret not in everything, f"a secret ({secret[:4]}...) reached the logs"

    access = [e for e in bridge_events if e["message"] == "http.request"]
    paths = {e["path"] for e in access}
    assert "/webhooks/jira/[REDACTED]" in paths and "/api/health" in paths
    assert {e["status"] for e in access} >= {200, 302, 400, 401}
    assert all(len(e["request_id"]) == 32 for e in access)
    login_ok = next(e for e in bridge_events if e["message"] == "login.ok")
    assert login_ok["request_id"] in {e["request_id"] for e in access if e["status"] == 302}
    writes = [e for e in worker_events if "PUT /rest/api/2/issue/SHOP-" in e["message"]]
    assert len(writes) == 5  # urllib3's DEBUG lines, from the sync's writer threads
    in_job = [e for e in worker_events if e.get("job_id") == run["job_id"]]
    # (Only a line logged while the context itself is being read may lack the board.)
    assert all(e in in_job for e in writes)
    assert all(
        (e.get("run_id"), e.get("board")) == (run["run_id"], "shop")
        for e in in_job
        if e["logger"] != "redis.connection"
    )
