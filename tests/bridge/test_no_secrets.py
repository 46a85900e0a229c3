"""No configured secret (API token, webhook token and secret, secret key, Jira token or password)
ever appears in a page or a JSON answer, error answers and failed-job messages included."""

from __future__ import annotations

import re
import time

import pytest

from tests.bridge.boards_support import SHOP
from tests.conftest import API_TOKEN, SECRET_KEY, WEBHOOK_TOKEN, base_env
from tests.harness.inline_worker import run_queued_jobs
from worker.connection import get_queue
from worker.services.sync_requests import request_sync

WEBHOOK_SECRET = "test-webhook-hmac-secret-0123"
JIRA_TOKEN = "demo-admin-token"
SECRETS = (API_TOKEN, WEBHOOK_TOKEN, WEBHOOK_SECRET, SECRET_KEY, JIRA_TOKEN)


def leaky_job() -> None:
    """A job failing with a message that carries a credential (as a library's error might)."""
    raise RuntimeError(f"Jira refused the personal access token {JIRA_TOKEN} for admin")


@pytest.fixture
def app_env(redis_url, jira):
    return {**base_env(redis_url, jira_url=jira.url), "SYNCBACK_WEBHOOK_SECRET": WEBHOOK_SECRET}


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} shows a secret"


def _admin(client) -> None:
    with client.session_transaction() as sess:
        sess["user"] = {
            "name": "admin",
            "display_name": "Ada",
            "is_admin": True,
            "expires_at": int(time.time()) + 3600,
        }


def test_every_page_and_api_read_is_free_of_secrets(app, client, auth_headers, redis):
    assert client.post("/api/boards", json=SHOP, headers=auth_headers).status_code == 201
    scores = {"scores": [{"issue": "SHOP-1", "score": 3, "criteria": {"reach": 3}}]}
    assert client.put("/api/boards/shop/scores", json=scores, headers=auth_headers).status_code
    run = request_sync(redis, "shop", "manual", dry_run=True)
    job = client.post("/api/boards/shop/refresh", headers=auth_headers).get_json()["job_id"]
    values = {"board_id": "shop", "run_id": run.run_id, "job_id": job, "filename": "panel.css"}
    _admin(client)
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{arg}>", values.get(arg, "x"), url)
        machine = url.startswith(("/api", "/metrics"))
        response = client.get(url, headers=auth_headers if machine else {})
        assert response.status_code < 500, url
        seen += response.status_code == 200
        assert_no_secret(response.get_data(as_text=True), url)
        assert_no_secret(str(response.headers), f"{url} headers")
    assert seen >= 15  # every route above answered for real, not with a 404


def test_error_answers_do_not_echo_credentials(client, auth_headers):
    wrong = f"{API_TOKEN}x"
    answers = [
        client.get("/api/boards", headers={"Authorization": f"Bearer {wrong}"}),
        client.get("/metrics", headers={"Authorization": f"Bearer {wrong}"}),
        client.post(f"/webhooks/jira/{WEBHOOK_TOKEN}x", json={"webhookEvent": "x"}),
        client.post(
            f"/webhooks/jira/{WEBHOOK_TOKEN}",
            json={"webhookEvent": "x"},
            headers={"X-Hub-Signature": f"sha256={WEBHOOK_SECRET}"},
        ),
        client.post(f"/webhooks/jira/{WEBHOOK_TOKEN}", data=f"{{{WEBHOOK_SECRET}"),
    ]
    for response in answers:
        assert response.status_code in (400, 401)
        text = response.get_data(as_text=True)
        assert_no_secret(text, response.request.path)
        assert wrong not in text


@pytest.mark.parametrize(
    ("method", "username", "secret"),
    [("password", "admin", "hunter2-wrong-password"), ("token", "", "wrong-pat-0123456789")],
)
def test_a_refused_login_does_not_show_the_password_again(client, method, username, secret):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": username, "password": secret, "method": method, "csrf_token": token}
    response = client.post("/admin/login", data=form)
    assert response.status_code == 401
    assert secret not in response.get_data(as_text=True)


def test_a_failed_jobs_error_field_is_redacted(client, auth_headers, redis):
    queue = get_queue(redis)
    job = queue.enqueue(f"{__name__}.leaky_job")
    run_queued_jobs(redis)
    body = client.get(f"/api/jobs/{job.id}", headers=auth_headers).get_json()
    assert body["status"] == "failed"
    assert "Jira refused the personal access token" in body["error"]
    assert JIRA_TOKEN not in body["error"]
