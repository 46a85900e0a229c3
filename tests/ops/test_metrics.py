"""/metrics: who may scrape, and that it reports what Redis holds at scrape time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bridge import create_app, webhook_counts
from tests.conftest import WEBHOOK_TOKEN, base_env
from tests.harness.processes import free_port
from tests.harness.worker_process import WorkerProcess
from tests.ops.conftest import run_worker_burst
from tests.ops.metrics_text import samples, value
from worker import telemetry
from worker.connection import get_queue
from worker.settings import ConfigError


def _scrape(client, headers) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain")
    return samples(response.get_data(as_text=True))


def test_metrics_need_the_token_or_an_allowed_network(app_env, auth_headers):
    closed = create_app({"TESTING": True}, env=app_env).test_client()
    assert closed.get("/metrics").status_code == 401
    assert closed.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert closed.get("/metrics", headers=auth_headers).status_code == 200

    env = {**app_env, "SYNCBACK_METRICS_ALLOW": "10.0.0.0/8, 192.168.1.7"}
    allow = create_app({"TESTING": True}, env=env).test_client()
    inside = allow.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"})
    assert inside.status_code == 200
    assert allow.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.7"}).status_code == 200
    outside = allow.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.8"})
    assert outside.status_code == 401
    assert "syncback_" not in outside.get_data(as_text=True)


def test_a_bad_allow_list_names_the_variable(app_env):
    with pytest.raises(ConfigError, match=r"SYNCBACK_METRICS_ALLOW: '10\.0\.0\.300/8'"):
        create_app({"TESTING": True}, env={**app_env, "SYNCBACK_METRICS_ALLOW": "10.0.0.300/8"})


def test_queue_gauges_follow_the_queue(client, auth_headers, redis):
    before = _scrape(client, auth_headers)
    assert value(before, "syncback_queue_jobs", queue="syncback", state="queued") == 0
    queue = get_queue(redis)
    for n in range(3):
        queue.enqueue("worker.jobs.sync.run_sync", f"run-{n}")
    queue.enqueue_in(timedelta(hours=1), "worker.jobs.sync.run_sync", "later")
    after = _scrape(client, auth_headers)
    assert value(after, "syncback_queue_jobs", queue="syncback", state="queued") == 3
    assert value(after, "syncback_queue_jobs", queue="syncback", state="scheduled") == 1
    assert value(after, "syncback_queue_jobs", queue="syncback", state="failed") == 0
    assert value(after, "syncback_redis_up") == 1


def test_jobs_run_by_a_real_worker_are_counted(client, auth_headers, redis, app_env, ops_log):
    get_queue(redis).enqueue("worker.jobs.sync.run_sync", "no-such-run")
    run_worker_burst(app_env, ops_log)
    parsed = _scrape(client, auth_headers)
    func = "worker.jobs.sync.run_sync"
    assert value(parsed, "syncback_jobs_total", func=func, outcome="failed") == 1
    assert value(parsed, "syncback_job_duration_seconds_count", func=func) == 1
    assert value(parsed, "syncback_queue_jobs", queue="syncback", state="failed") == 1
    assert value(parsed, "syncback_queue_jobs", queue="syncback", state="queued") == 0


def test_telemetry_counters_are_exported(client, auth_headers, redis):
    telemetry.record(redis, "webhook_events", {"event": "sprint_closed", "outcome": "queued"}, 2)
    parsed = _scrape(client, auth_headers)
    assert (
        value(parsed, "syncback_webhook_events_total", event="sprint_closed", outcome="queued") == 2
    )


def test_redis_down_answers_redis_up_zero_not_500(auth_headers):
    app = create_app({"TESTING": True}, env=base_env(f"redis://127.0.0.1:{free_port()}/0"))
    parsed = _scrape(app.test_client(), auth_headers)
    assert value(parsed, "syncback_redis_up") == 0
    assert not [k for k in parsed if k[0] == "syncback_queue_jobs"]


def test_webhook_deliveries_are_counted_by_event_and_outcome(client, auth_headers):
    url = f"/webhooks/jira/{WEBHOOK_TOKEN}"
    assert client.post(url, json={"webhookEvent": "sprint_created"}).status_code == 204
    assert client.post(url, json={"webhookEvent": "sprint_created"}).status_code == 204
    assert client.post("/webhooks/jira/wrong-token", json={}).status_code == 401
    webhook_counts.flush()  # the intake adds up in-process and writes once a second
    parsed = _scrape(client, auth_headers)
    name = "syncback_webhook_events_total"
    assert value(parsed, name, event="sprint_created", outcome="ignored") == 2
    assert value(parsed, name, event="other", outcome="unauthorized") == 1


def test_several_workers_show_in_metrics_and_on_the_queue_page(
    client, auth_headers, app_env, tmp_path
):
    workers = [WorkerProcess(app_env, log=tmp_path / f"w{n}.log").start() for n in range(2)]
    try:
        parsed = _scrape(client, auth_headers)
        page = client.get("/admin/queue", headers=auth_headers).get_data(as_text=True)
    finally:
        for w in workers:
            w.stop()
    assert value(parsed, "syncback_workers", state="idle") == 2
    assert value(parsed, "syncback_workers", state="busy") == 0
    assert "Workers (2)" in page
    assert all(w.name in page for w in workers)
    assert value(_scrape(client, auth_headers), "syncback_workers", state="idle") == 0
