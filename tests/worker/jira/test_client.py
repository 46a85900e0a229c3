"""JiraClient against the simulator over HTTP: auth, error translation, paging, retries."""

from __future__ import annotations

import pytest

from tests.harness.processes import free_port
from worker.jira import (
    JiraAuthError,
    JiraClient,
    JiraNotFoundError,
    JiraPermissionError,
    JiraUnavailableError,
    JiraValidationError,
)
from worker.settings import JiraSettings


def client_for(jira, **auth) -> JiraClient:
    auth = auth or {"token": "demo-admin-token"}
    return JiraClient(JiraSettings(base_url=jira.url, timeout_s=10, **auth))


def test_pat_and_basic_auth_identify_the_user(jira):
    assert client_for(jira).myself()["name"] == "admin"
    assert client_for(jira, user="dev", password="dev").myself()["name"] == "dev"


def test_wrong_credentials_raise_auth_error(jira):
    with pytest.raises(JiraAuthError) as caught:
        client_for(jira, token="not-a-token").myself()
    assert caught.value.status == 401


def test_admin_check_reads_administer_permission(jira):
    assert client_for(jira).is_admin() is True
    assert client_for(jira, token="demo-dev-token").is_admin() is False


def test_missing_issue_is_not_found_with_jira_message(jira):
    with pytest.raises(JiraNotFoundError) as caught:
        client_for(jira).get_issue("SHOP-99999")
    assert caught.value.status == 404
    assert caught.value.error_messages


def test_field_not_on_screen_keeps_jira_errors_map(jira):
    # Story Points is on the SHOP screens only; OPS issues use the Default Screen.
    with pytest.raises(JiraValidationError) as caught:
        client_for(jira).edit_issue("OPS-1", {"customfield_10002": 3})
    assert caught.value.errors == {
        "customfield_10002": "Field 'customfield_10002' cannot be set. "
        "It is not on the appropriate screen, or unknown."
    }


def test_silent_edit_by_non_admin_is_permission_error(jira):
    with pytest.raises(JiraPermissionError) as caught:
        client_for(jira, token="demo-dev-token").edit_issue(
            "SHOP-1", {"customfield_10100": 5}, notify_users=False
        )
    assert caught.value.status == 403
    assert jira.field("SHOP-1", "customfield_10100") is None


def test_edit_writes_the_value(jira):
    client_for(jira).edit_issue("SHOP-2", {"customfield_10100": 12.5})
    assert jira.field("SHOP-2", "customfield_10100") == 12.5


def test_search_all_follows_the_page_size_jira_used(jira):
    jira.reset(dataset="demo", issues=2500)
    client = client_for(jira)
    keys = [i["key"] for i in client.search_all("project = SHOP", ["customfield_10100"])]
    assert len(keys) == 2500 == len(set(keys))
    searches = [
        n for route, n in jira.stats()["requests"].items() if "POST" in route and "search" in route
    ]
    # Jira caps a page at 1000 whatever we ask for: 2500 issues are three pages.
    assert sum(searches) == 3


@pytest.mark.parametrize("version", ["9.12", "10.3"])
def test_screens_in_either_version_shape(jira, version):
    jira.reset(dataset="demo", version=version)
    names = {s["name"] for s in client_for(jira).screens()}
    assert {"Default Screen", "Workflow Screen", "Resolve Issue Screen"} <= names
    assert "SHOP: Scrum Default Issue Screen" in names


def test_503_is_retried_then_succeeds(jira):
    jira.configure(fail=[{"path_regex": "/rest/api/2/issue/SHOP-3$", "status": 503, "count": 2}])
    client = client_for(jira)
    client.edit_issue("SHOP-3", {"customfield_10100": 7})
    assert jira.field("SHOP-3", "customfield_10100") == 7
    assert client.stats["status_503"] == 2 and client.stats["retry"] == 2


def test_unreachable_jira_is_unavailable_error():
    client = JiraClient(JiraSettings(base_url=f"http://127.0.0.1:{free_port()}", timeout_s=1))
    with pytest.raises(JiraUnavailableError):
        client.request("GET", "/rest/api/2/serverInfo", retry=False)
