"""GET /api/health reports Redis and Jira reachability and degrades instead of crashing."""

from __future__ import annotations

from bridge import create_app
from tests.conftest import base_env
from tests.harness.processes import free_port


def test_health_ok_redis_without_jira_is_degraded(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "degraded",
        "redis": "ok",
        "jira": "not_configured",
    }


def test_health_redis_down_is_degraded_not_500(redis_url):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app({"TESTING": True}, env=base_env(dead))
    body = app.test_client().get("/api/health").get_json()
    assert body["status"] == "degraded"
    assert body["redis"] == "unreachable"


def test_health_jira_unreachable_is_degraded(redis_url):
    env = base_env(redis_url, jira_url=f"http://127.0.0.1:{free_port()}")
    app = create_app({"TESTING": True}, env=env)
    body = app.test_client().get("/api/health").get_json()
    assert body == {"status": "degraded", "redis": "ok", "jira": "unreachable"}


def test_health_needs_no_token_and_shows_no_secret(client):
    text = client.get("/api/health").get_data(as_text=True)
    assert "test-api-token" not in text
    assert "test-secret-key" not in text


def test_unknown_route_answers_json_error_shape(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["details"] == []


def test_oversized_body_is_413_json(client):
    response = client.post(
        "/api/health", data=b"x" * (1024 * 1024 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
