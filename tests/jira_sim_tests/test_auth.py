"""Authentication rules: Basic and PAT Bearer accepted, none or wrong answered with 401."""

from __future__ import annotations

import requests

from tests.harness.jira_sim import SimServer

MYSELF = "/rest/api/2/myself"


def test_basic_auth_with_password_is_accepted(jira: SimServer) -> None:
    response = requests.get(jira.url + MYSELF, auth=("admin", "admin"), timeout=5)
    assert response.status_code == 200
    assert response.json()["name"] == "admin"
    assert response.headers["X-AUSERNAME"] == "admin"


def test_bearer_pat_is_accepted(jira: SimServer) -> None:
    headers = {"Authorization": "Bearer demo-dev-token"}
    response = requests.get(jira.url + MYSELF, headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json()["name"] == "dev"


def test_no_credentials_is_401_with_error_collection(jira: SimServer) -> None:
    response = requests.get(jira.url + MYSELF, timeout=5)
    assert response.status_code == 401
    assert response.headers["X-AUSERNAME"] == "anonymous"
    assert response.json() == {
        "errorMessages": [
            "You are not authenticated. Authentication required to perform this operation."
        ],
        "errors": {},
    }


def test_wrong_password_is_401_with_seraph_reason(jira: SimServer) -> None:
    response = requests.get(jira.url + MYSELF, auth=("admin", "nope"), timeout=5)
    assert response.status_code == 401
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def test_pat_is_not_a_basic_password(jira: SimServer) -> None:
    response = requests.get(jira.url + MYSELF, auth=("admin", "demo-admin-token"), timeout=5)
    assert response.status_code == 401


def test_unknown_bearer_token_is_401(jira: SimServer) -> None:
    headers = {"Authorization": "Bearer not-a-token"}
    assert requests.get(jira.url + MYSELF, headers=headers, timeout=5).status_code == 401


def test_server_info_needs_no_login_and_reports_version_numbers(jira: SimServer) -> None:
    body = requests.get(jira.url + "/rest/api/2/serverInfo", timeout=5).json()
    assert body["versionNumbers"] == [10, 3, 12]
    assert body["version"] == "10.3.12"
