"""Liveness and readiness probes of /api/health, beside its {"status","redis","jira"} body."""

from __future__ import annotations

from bridge import create_app
from tests.conftest import base_env
from tests.harness.processes import free_port


def _dead_redis_client():
    app = create_app({"TESTING": True}, env=base_env(f"redis://127.0.0.1:{free_port()}/0"))
    return app.test_client()


def test_live_is_200_even_when_redis_is_down():
    response = _dead_redis_client().get("/api/health?probe=live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "redis": "not_checked", "jira": "not_checked"}


def test_ready_is_503_when_redis_is_down():
    response = _dead_redis_client().get("/api/health?probe=ready")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "redis": "unreachable",
        "jira": "not_checked",
    }


def test_ready_is_200_with_redis_even_without_jira(client):
    response = client.get("/api/health?probe=ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "redis": "ok", "jira": "not_checked"}


def test_plain_health_keeps_its_contract(client):
    assert client.get("/api/health").get_json() == {
        "status": "degraded",
        "redis": "ok",
        "jira": "not_configured",
    }


def test_unknown_probe_is_a_400_naming_the_parameter(client):
    response = client.get("/api/health?probe=deep")
    assert response.status_code == 400
    [detail] = response.get_json()["error"]["details"]
    assert detail["path"] == "$.probe"
    assert "deep" in detail["message"]
