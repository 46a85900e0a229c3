"""Every 4xx/5xx of /api and /webhooks answers DESIGN §5's shape, tracebacks never included."""

from __future__ import annotations

import pytest

from bridge import create_app
from tests.conftest import WEBHOOK_TOKEN, base_env
from tests.harness.processes import free_port


def assert_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "details"} <= set(error)
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    assert all(set(d) >= {"path", "message"} for d in error["details"])
    assert "Traceback" not in response.get_data(as_text=True)
    if code is not None:
        assert error["code"] == code
    return error


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/no-such-route", 404, "not_found"),
        ("PUT", "/api/health", 405, "method_not_allowed"),
        ("DELETE", "/api/jobs/j1", 405, "method_not_allowed"),
        ("GET", f"/webhooks/jira/{WEBHOOK_TOKEN}", 405, "method_not_allowed"),
        ("GET", "/api/boards/nope", 404, "not_found"),
        ("GET", "/api/syncs/nope", 404, "not_found"),
        ("GET", "/api/jobs/nope", 404, "not_found"),
    ],
)
def test_routing_errors_have_the_shape(client, auth_headers, method, path, status, code):
    assert_shape(client.open(path, method=method, headers=auth_headers), status, code)


@pytest.mark.parametrize(
    "path", ["/api/boards", "/api/boards/shop/scores", f"/webhooks/jira/{WEBHOOK_TOKEN}"]
)
def test_oversized_body_is_413_with_the_shape(client, auth_headers, path):
    body = b"[" + b"0," * (600 * 1024) + b"0]"
    method = "PUT" if path.endswith("/scores") else "POST"
    response = client.open(
        path, method=method, data=body, content_type="application/json", headers=auth_headers
    )
    assert_shape(response, 413)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("id=shop", "application/x-www-form-urlencoded"), ("{not json", "application/json")],
)
def test_non_json_body_is_400_naming_the_body(client, auth_headers, data, content_type):
    response = client.post(
        "/api/boards", data=data, content_type=content_type, headers=auth_headers
    )
    error = assert_shape(response, 400)
    assert error["details"][0]["path"] == "$"


def test_csrf_failure_on_the_api_has_the_shape(client):
    import time

    with client.session_transaction() as sess:
        sess["user"] = {"name": "a", "is_admin": True, "expires_at": time.time() + 60}
    assert_shape(client.post("/api/boards", json={}), 400, "csrf_failed")


def test_an_unexpected_exception_is_a_500_with_the_shape_and_no_detail(redis_url, auth_headers):
    app = create_app({"TESTING": False}, env=base_env(redis_url))

    def explode():
        raise RuntimeError("internal detail: secret-ish state")

    app.add_url_rule("/api/explode", "explode", explode)
    response = app.test_client().get("/api/explode", headers=auth_headers)
    error = assert_shape(response, 500, "internal_server_error")
    assert "internal detail" not in response.get_data(as_text=True)
    assert error["details"] == []


def test_redis_down_is_503_unavailable_not_500(auth_headers):
    env = base_env(f"redis://127.0.0.1:{free_port()}/0")
    client = create_app({"TESTING": False}, env=env).test_client()
    for method, path in [("GET", "/api/boards"), ("GET", "/api/syncs/r1"), ("GET", "/api/jobs/j")]:
        error = assert_shape(client.open(path, method=method, headers=auth_headers), 503)
        assert error["code"] == "unavailable"
        assert "Redis" in error["message"]


def test_other_redis_errors_stay_500_not_unavailable(redis_url, redis, auth_headers):
    redis.hset("syncback:board:odd", "k", "v")  # GET on a hash: WRONGTYPE, not an outage
    client = create_app({"TESTING": False}, env=base_env(redis_url)).test_client()
    assert_shape(client.get("/api/boards/odd", headers=auth_headers), 500, "internal_server_error")
