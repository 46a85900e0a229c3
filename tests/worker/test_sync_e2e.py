"""Sync runs end to end: bridge API -> Redis -> real worker process -> simulator over HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import base_env
from tests.harness.worker_process import WorkerProcess
from tests.sync_fixtures import (
    PRIORITY_FIELD,
    TEXT_FIELD,
    make_board,
    put_scores,
    start_sync,
    wait_run,
)
from worker import scoring
from worker.model import Options, Score
from worker.store import BoardStore

pytestmark = pytest.mark.slow

SCORES = [
    {"issue": f"SHOP-{i}", "score": float(i % 5), "percent": 100.0 if i % 2 else 50.0}
    for i in range(1, 21)
]


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    return base_env(redis_url, jira.url)


@pytest.fixture
def worker_env_dev(app_env: dict[str, str], tmp_path):
    """A worker that talks to Jira as `dev`, who may not set notifyUsers=false."""
    env = {**app_env, "JIRA_TOKEN": "demo-dev-token", "SYNCBACK_RUN_LEASE_S": "3"}
    proc = WorkerProcess(env, log=tmp_path / "worker.log").start()
    yield proc
    proc.stop()


def expected_ranks() -> dict[str, int]:
    return scoring.rank(Score(s["issue"], s["score"], percent=s["percent"]) for s in SCORES)


def jira_values(jira, n: int = 30) -> dict[str, tuple]:
    out = {}
    for i in range(1, n + 1):
        fields = jira.issue(f"SHOP-{i}")["fields"]
        out[f"SHOP-{i}"] = (fields.get(PRIORITY_FIELD), fields.get(TEXT_FIELD))
    return out


def test_sync_writes_desired_values_once(client, auth_headers, redis, jira, worker) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)
    started = start_sync(client, auth_headers)
    run = wait_run(client, auth_headers, started["run_id"])
    assert run["state"] == "succeeded", run
    assert run["counts"] == {
        "in_scope": 30, "written": 20, "unchanged": 0, "skipped": 10, "failed": 0
    }  # fmt: skip
    assert run["progress"] == {"done": 30, "total": 30}
    ranks = expected_ranks()
    values = jira_values(jira)
    for i in range(1, 31):
        key = f"SHOP-{i}"
        if key in ranks:
            status = "Scored" if i % 2 else "Partially scored"
            assert values[key] == (ranks[key], status), key
        else:
            assert values[key] == (None, None), key  # unscored, policy "keep": untouched
    assert len(run["changes"]) == 40 and run["errors"] == [] and run["changes_total"] == 40
    short = client.get(f"/api/syncs/{run['id']}?limit=3", headers=auth_headers).json
    assert short["changes"] == run["changes"][:3] and short["changes_total"] == 40
    assert client.get(f"/api/syncs/{run['id']}?limit=0", headers=auth_headers).json["changes"] == []
    job = client.get(f"/api/jobs/{started['job_id']}", headers=auth_headers).json
    assert job["status"] == "finished" and job["result"]["state"] == "succeeded"

    writes_before = jira.stats()["issue_writes"]
    again = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert again["counts"]["written"] == 0 and again["counts"]["unchanged"] == 20
    assert jira.stats()["issue_writes"] == writes_before  # a second sync writes nothing

    put_scores(client, auth_headers, [{"issue": "SHOP-30", "score": 99.0}])
    dry = wait_run(client, auth_headers, start_sync(client, auth_headers, dry_run=True)["run_id"])
    assert dry["dry_run"] and dry["state"] == "succeeded"
    planned = {(c["issue"], c["field"]) for c in dry["changes"]}
    assert ("SHOP-30", PRIORITY_FIELD) in planned and len(dry["changes"]) == 22  # 21 ranks moved
    assert jira.stats()["issue_writes"] == writes_before and jira_values(jira) == values
    history = client.get("/api/boards/shop/syncs", headers=auth_headers).json["runs"]
    assert [r["id"] for r in history] == [dry["id"], again["id"], run["id"]]
    newest = client.get("/api/boards/shop/syncs?limit=1", headers=auth_headers).json["runs"]
    assert [r["id"] for r in newest] == [dry["id"]] and "changes" not in newest[0]


def test_revert_restores_old_values_but_keeps_later_edits(
    client, auth_headers, redis, jira, worker
) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    edited = jira.admin(
        "PUT", "/rest/api/2/issue/SHOP-3", json={"fields": {PRIORITY_FIELD: 1234}}
    )  # a person changes one value after the run
    assert edited.status_code == 204
    r = client.post(f"/api/syncs/{run['id']}/revert", headers=auth_headers)
    assert r.status_code == 202
    revert = wait_run(client, auth_headers, r.json["run_id"])
    assert revert["trigger"] == "revert" and revert["state"] == "succeeded", revert
    assert [(e["issue"], e["field"], e["code"]) for e in revert["errors"]] == [
        ("SHOP-3", PRIORITY_FIELD, "changed_since")
    ]
    values = jira_values(jira)
    assert values["SHOP-3"] == (1234, None)
    assert all(v == (None, None) for k, v in values.items() if k != "SHOP-3")
    assert revert["counts"]["written"] == 20 and revert["counts"]["skipped"] == 0
    again = client.post(f"/api/syncs/{run['id']}/revert", headers=auth_headers).json
    again = wait_run(client, auth_headers, again["run_id"])  # nothing left to do, nothing lost
    assert again["counts"]["written"] == 0 and again["counts"]["unchanged"] == 19
    assert [e["issue"] for e in again["errors"]] == ["SHOP-3"] and jira_values(jira) == values
    dry = wait_run(client, auth_headers, start_sync(client, auth_headers, dry_run=True)["run_id"])
    conflict = client.post(f"/api/syncs/{dry['id']}/revert", headers=auth_headers)
    assert conflict.status_code == 409


def test_notify_forbidden_is_reported_or_falls_back(
    client, auth_headers, redis, jira, worker_env_dev
) -> None:
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES[:3])
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "partial" and run["counts"]["failed"] == 3
    assert {e["issue"] for e in run["errors"]} == {"SHOP-1", "SHOP-2", "SHOP-3"}
    assert all(e["code"] == "jira_forbidden" for e in run["errors"])
    assert jira_values(jira, 3) == {f"SHOP-{i}": (None, None) for i in (1, 2, 3)}
    BoardStore(redis).update("shop", lambda b: make_board(options=Options(notify_fallback=True)))
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "succeeded" and run["counts"]["written"] == 3
    assert {e["code"] for e in run["errors"]} == {"notify_fallback"}
    assert all(v[0] is not None for v in jira_values(jira, 3).values())


def test_unscored_and_out_of_scope_clear(client, auth_headers, redis, jira, worker) -> None:
    options = Options(unscored="clear", out_of_scope="clear")
    BoardStore(redis).create(make_board(options=options))
    put_scores(client, auth_headers, SCORES[:4])
    jira.admin("PUT", "/rest/api/2/issue/SHOP-9", json={"fields": {PRIORITY_FIELD: 7}})
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "succeeded", run
    assert jira.field("SHOP-9", PRIORITY_FIELD) is None  # unscored: cleared
    assert jira.field("SHOP-1", PRIORITY_FIELD) is not None
    BoardStore(redis).update(
        "shop",
        lambda b: make_board(options=options, jql_extra="key not in (SHOP-1)"),
    )
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "succeeded", run
    assert jira_values(jira, 1)["SHOP-1"] == (None, None)  # left the scope: cleared
    assert run["summary"]["out_of_scope_cleared"] == 1


def test_inactive_board_allows_only_dry_runs(client, auth_headers, redis, jira) -> None:
    BoardStore(redis).create(make_board(active=False))
    r = client.post("/api/boards/shop/syncs", json={}, headers=auth_headers)
    assert r.status_code == 409 and r.json["error"]["details"][0]["path"] == "$.dry_run"
    assert client.post("/api/boards/nope/syncs", json={}, headers=auth_headers).status_code == 404
    bad = client.post("/api/boards/shop/syncs", json={"dry_run": "yes"}, headers=auth_headers)
    assert bad.status_code == 400
    assert client.get("/api/jobs/nope", headers=auth_headers).status_code == 404
    assert client.get("/api/syncs/nope", headers=auth_headers).status_code == 404


def test_job_status_reports_a_failed_job_without_traceback(
    client, auth_headers, redis, jira, worker
) -> None:
    import time

    from worker.connection import get_queue

    get_queue(redis).enqueue("worker.jobs.sync.run_sync", "no-such-run", job_id="sync-nope")
    deadline = time.monotonic() + 60
    while (job := client.get("/api/jobs/sync-nope", headers=auth_headers).json)["status"] in (
        "queued",
        "started",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "failed" and "no sync run 'no-such-run'" in job["error"]
    assert "Traceback" not in job["error"] and "result" not in job


def test_a_refused_search_fails_the_run_with_jiras_message(
    client, auth_headers, redis, jira, worker
) -> None:
    BoardStore(redis).create(make_board(jql_extra="nosuchfield = 3"))
    put_scores(client, auth_headers, SCORES[:2])
    run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert run["state"] == "failed" and run["message"].startswith("search failed")
    assert "nosuchfield" in run["message"] and run["counts"]["written"] == 0
