"""Control API: rate limiting, injected latency and failures, stats, reset (DESIGN.md §8)."""

from __future__ import annotations

import time

import pytest
import requests

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call


def test_token_bucket_answers_429_with_retry_after_and_headers(
    jira: SimServer, admin: Call
) -> None:
    jira.configure(rate_limit={"capacity": 3, "per_second": 0.5})
    statuses = [admin("GET", "/rest/api/2/myself") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[0].headers["X-RateLimit-Limit"] == "3"
    assert statuses[0].headers["X-RateLimit-Remaining"] == "2"
    assert statuses[0].headers["X-RateLimit-FillRate"] == "0.5"
    assert statuses[0].headers["X-RateLimit-Interval-Seconds"] == "1"
    limited = statuses[3]
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json() == {"errorMessages": ["Rate limit exceeded."], "errors": {}}
    assert jira.stats()["rate_limited"] == 1


def test_buckets_are_per_user(jira: SimServer, admin: Call, dev: Call) -> None:
    jira.configure(rate_limit={"capacity": 1, "per_second": 0.1})
    assert admin("GET", "/rest/api/2/myself").status_code == 200
    assert admin("GET", "/rest/api/2/myself").status_code == 429
    assert dev("GET", "/rest/api/2/myself").status_code == 200


def test_bucket_refills(jira: SimServer, admin: Call) -> None:
    jira.configure(rate_limit={"capacity": 1, "per_second": 20})
    assert admin("GET", "/rest/api/2/myself").status_code == 200
    time.sleep(0.1)  # 20 tokens/s: one token back after 50 ms
    assert admin("GET", "/rest/api/2/myself").status_code == 200


def test_injected_latency_delays_answers(jira: SimServer, admin: Call) -> None:
    jira.configure(latency_ms=200)
    started = time.perf_counter()
    assert admin("GET", "/rest/api/2/myself").status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_injected_failures_count_down(jira: SimServer, admin: Call) -> None:
    jira.configure(fail=[{"path_regex": r"/issue/SHOP-1$", "status": 503, "count": 2}])
    codes = [admin("GET", "/rest/api/2/issue/SHOP-1").status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert admin("GET", "/rest/api/2/issue/SHOP-2").status_code == 200
    assert jira.stats()["injected_failures"] == 2


def test_failure_rule_can_match_method(jira: SimServer, admin: Call) -> None:
    jira.configure(fail=[{"path_regex": r"^PUT /rest/api/2/issue/", "status": 500}])
    assert admin("GET", "/rest/api/2/issue/SHOP-1").status_code == 200
    put = admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {"customfield_10100": 1}})
    assert put.status_code == 500
    assert jira.field("SHOP-1", "customfield_10100") is None


def test_configure_replaces_and_reset_clears(jira: SimServer, admin: Call) -> None:
    jira.configure(rate_limit={"capacity": 1, "per_second": 0.01})
    admin("GET", "/rest/api/2/myself")
    jira.configure()
    assert admin("GET", "/rest/api/2/myself").status_code == 200
    jira.configure(fail=[{"path_regex": "myself", "status": 502}])
    jira.reset()
    assert admin("GET", "/rest/api/2/myself").status_code == 200


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"latency_ms": -1}, "latency_ms"),
        ({"rate_limit": {"capacity": 0, "per_second": 1}}, "rate_limit"),
        ({"fail": [{"path_regex": "(", "status": 500}]}, "fail[0]"),
        ({"fail": [{"path_regex": "x", "status": 200}]}, "fail[0].status"),
        ({"nope": 1}, "nope"),
    ],
)
def test_bad_config_is_400_naming_the_setting_and_changes_nothing(
    jira: SimServer, admin: Call, body: dict, path: str
) -> None:
    jira.configure(latency_ms=0)
    response = requests.put(jira.url + "/_sim/config", json=body, timeout=5)
    assert response.status_code == 400
    assert path in response.json()["errors"]
    assert admin("GET", "/rest/api/2/myself").status_code == 200


def test_stats_count_by_method_and_route(jira: SimServer, admin: Call) -> None:
    admin("GET", "/rest/api/2/issue/SHOP-1")
    admin("GET", "/rest/api/2/issue/SHOP-2")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    admin("POST", "/rest/api/2/search", json={"jql": "project = SHOP"})
    stats = jira.stats()
    assert stats["requests"] == {
        "GET /rest/api/2/issue/{key}": 2,
        "PUT /rest/api/2/issue/{key}": 1,
        "POST /rest/api/2/search": 1,
    }
    assert stats["issue_writes"] == 1 and stats["total"] == 4
    assert stats["by_status"] == {"200": 3, "204": 1}


def test_reset_with_issue_count_and_version(jira: SimServer, admin: Call) -> None:
    jira.reset(issues=100_000, version="9.12")
    assert admin("GET", "/rest/api/2/serverInfo").json()["versionNumbers"][0] == 9
    assert admin("GET", "/rest/api/2/issue/SHOP-100000").json()["key"] == "SHOP-100000"
    assert admin("GET", "/rest/api/2/issue/SHOP-100001").status_code == 404
    body = admin("POST", "/rest/api/2/search", json={"jql": "project = SHOP"}).json()
    assert body["total"] == 100_000


def test_empty_dataset_has_users_and_default_screens_only(jira: SimServer, admin: Call) -> None:
    jira.reset(dataset="empty")
    assert admin("GET", "/rest/agile/1.0/board").json()["total"] == 0
    assert [s["id"] for s in admin("GET", "/rest/api/2/screens").json()] == [1, 2, 3]
    ids = {f["id"] for f in admin("GET", "/rest/api/2/field").json()}
    assert "customfield_10100" not in ids and "customfield_10002" in ids


@pytest.mark.parametrize(
    "body", [{"dataset": "huge"}, {"version": "8.0"}, {"issues": -1}, {"issues": "10"}]
)
def test_bad_reset_is_400(jira: SimServer, body: dict) -> None:
    response = requests.post(jira.url + "/_sim/reset", json=body, timeout=5)
    assert response.status_code == 400


def test_close_unknown_or_future_sprint(jira: SimServer) -> None:
    assert requests.post(jira.url + "/_sim/sprints/9/close", timeout=5).status_code == 404
    assert requests.post(jira.url + "/_sim/sprints/2/close", timeout=5).status_code == 400


def test_form_encoded_writes_fail_the_xsrf_check(jira: SimServer, admin: Call) -> None:
    path = "/rest/api/2/issue/SHOP-1"
    form = admin("PUT", path, data="fields=x", headers={"Content-Type": "text/plain"})
    assert form.status_code == 403 and form.text == "XSRF check failed"
    allowed = admin(
        "PUT",
        path,
        data='{"fields": {"customfield_10100": 1}}',
        headers={"Content-Type": "text/plain", "X-Atlassian-Token": "no-check"},
    )
    assert allowed.status_code == 204


def test_rate_limit_headers_come_with_error_answers_too(jira: SimServer, admin: Call) -> None:
    jira.configure(rate_limit={"capacity": 5, "per_second": 1})
    response = admin("GET", "/rest/api/2/issue/SHOP-999")
    assert response.status_code == 404
    assert response.headers["X-RateLimit-Remaining"] == "4"


def test_failures_can_be_injected_on_anonymous_resources(jira: SimServer) -> None:
    jira.configure(fail=[{"path_regex": "serverInfo", "status": 503, "count": 1}])
    first = requests.get(jira.url + "/rest/api/2/serverInfo", timeout=5)
    assert first.status_code == 503
    assert requests.get(jira.url + "/rest/api/2/serverInfo", timeout=5).status_code == 200


def test_server_info_with_wrong_credentials_is_401(jira: SimServer) -> None:
    response = requests.get(jira.url + "/rest/api/2/serverInfo", auth=("admin", "x"), timeout=5)
    assert response.status_code == 401


def test_head_is_answered_like_get_without_body(jira: SimServer) -> None:
    response = requests.head(jira.url + "/rest/api/2/serverInfo", timeout=5)
    assert response.status_code == 200 and response.content == b""
