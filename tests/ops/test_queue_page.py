"""/admin/queue: administrators only; shows RQ's registries; requeues a failed job."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from tests.ops.conftest import run_worker_burst
from worker.connection import get_queue

FAILING_FUNC = "worker.jobs.sync.run_sync"


@pytest.fixture
def failed_job_id(redis, app_env, ops_log):
    """A job that really failed in a real `syncback worker` process (its run does not exist)."""
    job = get_queue(redis).enqueue(FAILING_FUNC, "no-such-run")
    run_worker_burst(app_env, ops_log)
    assert job.id in get_queue(redis).failed_job_registry
    return job.id


def _login(client, is_admin=True):
    with client.session_transaction() as session:
        session["user"] = {
            "name": "admin",
            "display_name": "Administrator",
            "is_admin": is_admin,
            "expires_at": time.time() + 3600,
        }


def _csrf(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def test_queue_page_needs_an_admin(client):
    assert client.get("/admin/queue").status_code == 401
    bad = {"Authorization": "Bearer wrong-token-0123456789"}
    assert client.get("/admin/queue", headers=bad).status_code == 401
    _login(client, is_admin=False)
    assert client.get("/admin/queue").status_code == 403


def test_requeue_needs_an_admin(client, failed_job_id):
    assert client.post(f"/admin/queue/failed/{failed_job_id}/requeue").status_code == 401


def test_page_lists_queued_scheduled_and_failed_jobs(client, auth_headers, redis, failed_job_id):
    queue = get_queue(redis)
    queued = queue.enqueue(FAILING_FUNC, "waiting-run")
    scheduled = queue.enqueue_in(timedelta(hours=1), FAILING_FUNC, "later")
    response = client.get("/admin/queue", headers=auth_headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    sections = dict(re.findall(r'<section id="(\w+)"(.*?)</section>', html, re.S))
    assert queued.id in sections["queued"] and "&#34;waiting-run&#34;" in sections["queued"]
    assert scheduled.id in sections["scheduled"]
    assert failed_job_id in sections["failed"]
    assert "RunNotFoundError" in sections["failed"]
    assert "no sync run" in sections["failed"]
    assert FAILING_FUNC in sections["failed"]
    assert re.search(r'id="h-failed">Failed \(<span class="queue-count">1</span>\)', html)


def test_requeue_with_the_api_token_puts_the_job_back(client, auth_headers, redis, failed_job_id):
    response = client.post(f"/admin/queue/failed/{failed_job_id}/requeue", headers=auth_headers)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/queue?requeued={failed_job_id}")
    queue = get_queue(redis)
    assert failed_job_id not in queue.failed_job_registry
    assert queue.get_job_ids() == [failed_job_id]


def test_requeue_from_a_session_needs_the_csrf_token(client, redis, failed_job_id):
    _login(client)
    page = client.get("/admin/queue")
    assert page.status_code == 200
    url = f"/admin/queue/failed/{failed_job_id}/requeue"
    refused = client.post(url)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert failed_job_id in get_queue(redis).failed_job_registry
    done = client.post(url, data={"csrf_token": _csrf(page.get_data(as_text=True))})
    assert done.status_code == 303
    assert get_queue(redis).get_job_ids() == [failed_job_id]
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Job <code>{failed_job_id}</code> was put back in the queue." in shown


def test_requeue_of_an_unknown_job_is_404(client, auth_headers):
    response = client.post("/admin/queue/failed/nope/requeue", headers=auth_headers)
    assert response.status_code == 404
    assert "nope" in response.get_json()["error"]["message"]
