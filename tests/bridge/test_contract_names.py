"""DESIGN §5's field names, as the routes accept and return them (contract: add, never rename)."""

from __future__ import annotations

import pytest

from tests.bridge.boards_support import SHOP
from tests.conftest import base_env
from tests.harness.inline_worker import run_queued_jobs
from worker.connection import get_queue

BOARD_KEYS = {"id", "name", "emoji", "jira_board_id", "project_keys", "jql", "fields"}
BOARD_READ_KEYS = BOARD_KEYS | {"active", "schedule", "options", "preflight", "last_run"}
RUN_KEYS = {"id", "board", "trigger", "dry_run", "state", "progress", "counts"}
JOB_STATUSES = {"queued", "started", "finished", "failed"}


@pytest.fixture
def app_env(redis_url, jira):
    return base_env(redis_url, jira_url=jira.url)


@pytest.fixture
def api(client, auth_headers):
    def call(method, path, body=None):
        return client.open(path, method=method, headers=auth_headers, json=body)

    return call


def test_board_create_and_read_keys(api):
    created = api("POST", "/api/boards", {**SHOP, "jql": "type = Story"})
    assert created.status_code == 201
    assert set(created.get_json()) >= BOARD_READ_KEYS
    read = api("GET", "/api/boards/shop").get_json()
    assert set(read) >= BOARD_READ_KEYS
    assert read["jql"] == "type = Story" and read["project_keys"] == ["SHOP"]
    assert read["active"] is False and read["last_run"] is None
    assert all({"source", "name", "tracker_field"} <= set(f) for f in read["fields"])
    assert [f["source"] for f in read["fields"]] == ["priority", "alignment"]
    listed = api("GET", "/api/boards").get_json()
    assert [b["id"] for b in listed["boards"]] == ["shop"]


def test_fields_body_names(api):
    api("POST", "/api/boards", SHOP)
    body = {
        "fields": [{"source": "score"}, {"source": "priority", "name": "P", "tracker_field": None}]
    }
    read = api("PUT", "/api/boards/shop/fields", body).get_json()
    assert [(f["source"], f["name"]) for f in read["fields"]][1] == ("priority", "P")


@pytest.mark.parametrize(
    "schedule",
    [
        {"mode": "sprint_end"},
        {"mode": "custom", "weekday": "monday", "time": "09:00", "timezone": "Europe/Berlin"},
    ],
)
def test_schedule_body_is_stored_and_read_under_the_same_names(api, schedule):
    api("POST", "/api/boards", SHOP)
    response = api("PUT", "/api/boards/shop/schedule", schedule)
    assert response.status_code == 200
    assert {k: v for k, v in response.get_json()["schedule"].items() if v is not None} == schedule
    api("POST", "/api/boards", {**SHOP, "id": "b2"})
    copied = api("POST", "/api/boards/shop/schedule/copy", {"to": ["b2"]})
    assert copied.status_code == 200
    assert api("GET", "/api/boards/b2").get_json()["schedule"] == response.get_json()["schedule"]


def test_sync_202_run_read_and_job_status_names(api, redis):
    api("POST", "/api/boards", SHOP)
    api("PUT", "/api/boards/shop/scores", {"scores": [{"issue": "SHOP-1", "score": 1}]})
    accepted = api("POST", "/api/boards/shop/syncs", {"dry_run": True})
    assert accepted.status_code == 202
    ids = accepted.get_json()
    assert {"run_id", "job_id"} <= set(ids)
    run = api("GET", f"/api/syncs/{ids['run_id']}").get_json()
    assert RUN_KEYS | {"errors", "changes"} <= set(run)
    assert set(run["progress"]) == {"done", "total"}
    assert set(run["counts"]) == {"in_scope", "written", "unchanged", "skipped", "failed"}
    assert run["board"] == "shop" and run["trigger"] == "manual" and run["dry_run"] is True
    job = api("GET", f"/api/jobs/{ids['job_id']}").get_json()
    assert job == {"id": ids["job_id"], "status": "queued"}

    history = api("GET", "/api/boards/shop/syncs").get_json()["runs"]
    assert [r["id"] for r in history] == [ids["run_id"]]
    assert set(history[0]) >= RUN_KEYS
    assert api("GET", "/api/boards/shop").get_json()["last_run"]["id"] == ids["run_id"]


def finished_job() -> dict:
    """A job that succeeds, for the `finished` status and its `result`."""
    return {"answer": 42}


def test_job_status_finished_carries_the_result(api, redis):
    queue = get_queue(redis)
    job = queue.enqueue(f"{__name__}.finished_job")
    run_queued_jobs(redis)
    body = api("GET", f"/api/jobs/{job.id}").get_json()
    assert body == {"id": job.id, "status": "finished", "result": {"answer": 42}}
    assert body["status"] in JOB_STATUSES


def test_setup_jobs_answer_202_with_job_id(api):
    api("POST", "/api/boards", SHOP)
    for path in ("refresh", "fields/create-in-jira", "board-config"):
        response = api("POST", f"/api/boards/shop/{path}")
        assert response.status_code == 202, path
        assert set(response.get_json()) == {"job_id"}


def test_health_keys(client):
    assert set(client.get("/api/health").get_json()) == {"status", "redis", "jira"}
