"""The seed's four steps, plus schedule and copy, through the API with a real worker process
against the simulated Jira: fields, create-in-jira, board-config, refresh, activate."""

from __future__ import annotations

import time

import pytest

from tests.bridge.boards_support import Api
from tests.conftest import base_env

pytestmark = pytest.mark.slow
MONDAY = {"mode": "custom", "weekday": "monday", "time": "08:00", "timezone": "America/New_York"}


@pytest.fixture
def app_env(redis_url, jira):
    return base_env(redis_url, jira_url=jira.url)


@pytest.fixture
def api(client, auth_headers):
    return Api(client, auth_headers)


def run_job(api, path, timeout=60.0):
    """POST a job route (202), then poll /api/jobs/<id> until it ends; returns the job read."""
    response = api.call("POST", path)
    assert response.status_code == 202, response.get_json()
    job_id = response.get_json()["job_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.call("GET", f"/api/jobs/{job_id}").get_json()
        if job["status"] in ("finished", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end in {timeout}s")


def tab_fields(jira, screen, tab):
    return {
        f["id"] for f in jira.admin("GET", f"/rest/api/2/screens/{screen}/tabs/{tab}/fields").json()
    }


def cards(jira, mode):
    body = jira.admin("GET", f"/rest/greenhopper/1.0/cardlayout/1/{mode}/field").json()
    return [c["fieldId"] for c in body["currentFields"]]


def test_setup_flow_through_the_api(api, jira, worker):
    # Step 1: choose fields (defaults + score status + a criterion).
    api.create()
    fields = [{"source": s} for s in ("priority", "alignment", "score_status", "criterion:reach")]
    assert api.call("PUT", "/api/boards/shop/fields", {"fields": fields}).status_code == 200

    # Step 2: create them in Jira (job), typed, on the SHOP screens, mapped.
    job = run_job(api, "/api/boards/shop/fields/create-in-jira")
    assert job["status"] == "finished", job
    assert [r["action"] for r in job["result"]["fields"]] == ["created"] * 4
    board = api.call("GET", "/api/boards/shop").get_json()
    ids = {f["source"]: f["tracker_field"] for f in board["fields"]}
    assert all(ids.values())
    by_id = {f["id"]: f for f in jira.admin("GET", "/rest/api/2/field").json()}
    assert by_id[ids["priority"]]["name"] == "Priority 🛒 Ducalis"
    assert by_id[ids["priority"]]["schema"]["type"] == "number"
    assert by_id[ids["score_status"]]["schema"]["custom"].endswith(":textfield")
    assert by_id[ids["criterion:reach"]]["name"] == "Reach 🛒 Ducalis"
    for screen, tab in ((10000, 10100), (10001, 10101)):
        assert set(ids.values()) <= tab_fields(jira, screen, tab)
    assert board["preflight"]["ok"] is True

    # Mapping to an existing Jira field of another type is refused (field list of the refresh).
    wrong = {
        "fields": [*fields[:3], {"source": "criterion:reach", "tracker_field": "customfield_10101"}]
    }
    refused = api.call("PUT", "/api/boards/shop/fields", wrong)
    assert refused.status_code == 400
    assert "'Team Notes' is a Text field (single line)" in refused.get_json()["error"]["message"]

    # Step 3: the Jira board: card layout (3 per mode) and the order by priority.
    api.call("PATCH", "/api/boards/shop", {"options": {"sort_board_by": "priority"}})
    job = run_job(api, "/api/boards/shop/board-config")
    assert job["status"] == "finished", job
    first_three = [ids[s] for s in ("priority", "alignment", "score_status")]
    assert cards(jira, "planMode") == first_three
    assert cards(jira, "workMode") == first_three
    assert any("3 fields" in w for w in job["result"]["warnings"])
    number = ids["priority"].removeprefix("customfield_")
    assert jira.admin("GET", "/rest/api/2/filter/10000").json()["jql"].endswith(f"cf[{number}] ASC")
    stored = api.call("GET", "/api/boards/shop").get_json()["board_config"]
    assert stored["undo"]["filter"]["jql"] == "project = SHOP ORDER BY Rank ASC"

    # Step 4: the preflight refuses while a field is off the Bug screen (422 naming all three).
    jira.admin("DELETE", f"/rest/api/2/screens/10001/tabs/10101/fields/{ids['alignment']}")
    assert run_job(api, "/api/boards/shop/refresh")["status"] == "finished"
    response = api.call("POST", "/api/boards/shop/activate")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "preflight_failed"
    assert "SHOP · Bug" in error["message"] and ids["alignment"] in error["message"]
    assert error["details"][0]["path"] == "$.fields[1]"
    assert api.call("GET", "/api/boards/shop").get_json()["active"] is False

    # create-in-jira again repairs the screen (idempotent otherwise), then activation succeeds.
    job = run_job(api, "/api/boards/shop/fields/create-in-jira")
    assert [r["action"] for r in job["result"]["fields"]] == ["already_mapped"] * 4
    assert ids["alignment"] in tab_fields(jira, 10001, 10101)
    activated = api.call("POST", "/api/boards/shop/activate")
    assert activated.status_code == 200, activated.get_json()
    assert activated.get_json()["active"] is True

    # The lock: no field changes while active.
    locked = api.call("PUT", "/api/boards/shop/fields", {"fields": fields[:1]})
    assert locked.status_code == 409

    # Schedule, then copy it to two boards (one unknown).
    scheduled = api.call("PUT", "/api/boards/shop/schedule", MONDAY).get_json()
    assert scheduled["schedule"] == MONDAY and scheduled["next_run"]
    api.create(id="ops", name="Ops", emoji="🔧", jira_board_id=2, project_keys=["OPS"])
    copy = api.call("POST", "/api/boards/shop/schedule/copy", {"to": ["ops", "nope"]}).get_json()
    assert [(r["board"], r["status"]) for r in copy["results"]] == [
        ("ops", "copied"),
        ("nope", "not_found"),
    ]
    assert api.call("GET", "/api/boards/ops").get_json()["schedule"] == MONDAY

    # Deactivate: the field list opens again.
    api.call("POST", "/api/boards/shop/deactivate")
    assert api.call("PUT", "/api/boards/shop/fields", {"fields": fields[:1]}).status_code == 200


def test_board_routes_never_call_jira_in_the_request(api, jira):
    before = jira.stats()["total"]
    api.create()
    api.call("PUT", "/api/boards/shop/fields", {"fields": [{"source": "score"}]})
    api.call("PATCH", "/api/boards/shop", {"name": "Renamed"})
    api.call("PUT", "/api/boards/shop/schedule", MONDAY)
    assert api.call("POST", "/api/boards/shop/activate").status_code == 422
    assert api.call("POST", "/api/boards/shop/refresh").status_code == 202  # queued, not run
    api.call("GET", "/api/boards")
    assert jira.stats()["total"] == before
