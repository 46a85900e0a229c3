"""Metrics appear and move when a real worker runs a sync against the simulator."""

from __future__ import annotations

import time

import pytest

from tests.conftest import base_env
from tests.ops.metrics_text import samples, value
from tests.sync_fixtures import make_board, put_scores, start_sync, wait_run
from worker.store import BoardStore

pytestmark = pytest.mark.slow

SCORES = [{"issue": f"SHOP-{n}", "score": float(n)} for n in range(1, 21)]
RUN = {"board": "shop", "trigger": "manual"}


@pytest.fixture
def app_env(redis_url: str, jira) -> dict[str, str]:
    return base_env(redis_url, jira.url)


def _scrape(client, headers) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    return samples(response.get_data(as_text=True))


def _total(parsed: dict, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, lab), v in parsed.items() if n == name and want <= lab)


def test_metrics_move_when_a_sync_runs(client, auth_headers, redis, jira, worker):
    BoardStore(redis).create(make_board())
    put_scores(client, auth_headers, SCORES)
    before = _scrape(client, auth_headers)
    assert value(before, "syncback_sync_runs_total", **RUN, state="succeeded") is None
    assert value(before, "syncback_board_last_success_timestamp_seconds", board="shop") is None

    started_at = time.time()
    # Jira throttles two writes (our client paces itself by X-RateLimit-*, so force them).
    jira.configure(
        fail=[{"path_regex": r"^PUT /rest/api/2/issue/SHOP-7$", "status": 429, "count": 2}]
    )
    try:
        run = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    finally:
        jira.configure()
    assert run["state"] == "succeeded", run
    after = _scrape(client, auth_headers)
    assert value(after, "syncback_sync_runs_total", **RUN, state="succeeded") == 1
    assert value(after, "syncback_sync_run_duration_seconds_count", **RUN) == 1
    assert value(after, "syncback_sync_issues_total", board="shop", outcome="written") == 20
    assert value(after, "syncback_sync_issues_total", board="shop", outcome="skipped") == 10
    assert value(after, "syncback_runs", **RUN, state="succeeded") == 1
    assert value(after, "syncback_board_last_success_timestamp_seconds", board="shop") >= (
        started_at - 1
    )
    assert value(after, "syncback_jira_requests_total", status="429") == 2
    assert value(after, "syncback_jira_rate_limited_total") == 2
    assert value(after, "syncback_jira_retries_total") == 2
    assert value(after, "syncback_jira_requests_total", status="204") == 20
    func = "worker.jobs.sync.run_sync"
    assert value(after, "syncback_jobs_total", func=func, outcome="finished") == 1
    assert _total(after, "syncback_workers") == 1

    again = wait_run(client, auth_headers, start_sync(client, auth_headers)["run_id"])
    assert again["state"] == "succeeded"
    moved = _scrape(client, auth_headers)
    assert value(moved, "syncback_sync_runs_total", **RUN, state="succeeded") == 2
    assert value(moved, "syncback_sync_issues_total", board="shop", outcome="unchanged") == 20
    assert value(moved, "syncback_sync_issues_total", board="shop", outcome="written") == 20
    assert value(moved, "syncback_jira_requests_total", status="204") == 20  # nothing rewritten
    assert value(moved, "syncback_runs", **RUN, state="succeeded") == 2
