"""myself and mypermissions: every permission returned, havePermission per user (§1.4)."""

from __future__ import annotations

from tests.jira_sim.server_info import PERMISSIONS
from tests.jira_sim_tests.conftest import Call


def test_mypermissions_returns_every_permission_for_admin(admin: Call) -> None:
    response = admin("GET", "/rest/api/2/mypermissions")
    assert response.status_code == 200
    permissions = response.json()["permissions"]
    assert set(permissions) == {key for key, *_ in PERMISSIONS}
    assert permissions["ADMINISTER"]["havePermission"] is True
    assert permissions["ADMINISTER"]["id"] == "0"
    assert permissions["ADMINISTER"]["type"] == "GLOBAL"


def test_permissions_filter_param_is_ignored_like_dc(admin: Call) -> None:
    """DC has no `permissions` filter: asking for one still returns everything."""
    body = admin("GET", "/rest/api/2/mypermissions", params={"permissions": "ADMINISTER"}).json()
    assert len(body["permissions"]) == len(PERMISSIONS)


def test_ordinary_user_lacks_administer_but_may_edit(dev: Call) -> None:
    permissions = dev("GET", "/rest/api/2/mypermissions").json()["permissions"]
    assert permissions["ADMINISTER"]["havePermission"] is False
    assert permissions["SYSTEM_ADMIN"]["havePermission"] is False
    assert permissions["EDIT_ISSUES"]["havePermission"] is True


def test_myself_expands_groups(admin: Call, dev: Call) -> None:
    me = admin("GET", "/rest/api/2/myself").json()
    assert me["name"] == "admin" and me["key"] == "JIRAUSER10000"
    assert {"name": "jira-administrators"} in me["groups"]["items"]
    other = dev("GET", "/rest/api/2/myself").json()
    assert {"name": "jira-administrators"} not in other["groups"]["items"]
