"""The open health route asks Jira at most once per JIRA_STATUS_TTL_S, however often it is hit."""

from __future__ import annotations

import pytest

from bridge import health
from tests.conftest import base_env

MYSELF = "GET /rest/api/2/myself"


@pytest.fixture
def app_env(redis_url, jira):
    return base_env(redis_url, jira_url=jira.url)


def test_anonymous_hits_do_not_each_call_jira(client, jira):
    before = jira.stats()["requests"].get(MYSELF, 0)
    bodies = [client.get("/api/health").get_json() for _ in range(20)]
    assert all(b == {"status": "ok", "redis": "ok", "jira": "ok"} for b in bodies)
    assert jira.stats()["requests"].get(MYSELF, 0) - before == 1


def test_status_is_asked_again_after_the_ttl(client, jira, monkeypatch):
    assert client.get("/api/health").get_json()["jira"] == "ok"
    jira.configure(fail=[{"path_regex": "^/rest/api/2/myself$", "status": 401, "count": 5}])
    assert client.get("/api/health").get_json()["jira"] == "ok"  # within the TTL
    monkeypatch.setattr(health, "JIRA_STATUS_TTL_S", 0.0)
    assert client.get("/api/health").get_json()["jira"] == "unauthorized"
