"""serverInfo, myself and mypermissions (jira-server-api.md §1.4)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.dataset import VERSIONS
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import User
from tests.jira_sim.web import Request, Response, json_response

routes = Routes()

# (key, id, type, name); DC returns every permission whatever `permissions=` says (§1.4).
PERMISSIONS = [
    ("ADMINISTER", "0", "GLOBAL", "Administer Jira"),
    ("SYSTEM_ADMIN", "44", "GLOBAL", "Jira System Administrators"),
    ("USE", "1", "GLOBAL", "Jira Users"),
    ("CREATE_SHARED_OBJECTS", "22", "GLOBAL", "Create Shared Objects"),
    ("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "24", "GLOBAL", "Manage Group Filter Subscriptions"),
    ("BULK_CHANGE", "33", "GLOBAL", "Bulk Change"),
    ("USER_PICKER", "27", "GLOBAL", "Browse Users"),
    ("ADMINISTER_PROJECTS", "23", "PROJECT", "Administer Projects"),
    ("BROWSE_PROJECTS", "10", "PROJECT", "Browse Projects"),
    ("CREATE_ISSUES", "11", "PROJECT", "Create Issues"),
    ("EDIT_ISSUES", "12", "PROJECT", "Edit Issues"),
    ("ASSIGN_ISSUES", "13", "PROJECT", "Assign Issues"),
    ("RESOLVE_ISSUES", "14", "PROJECT", "Resolve Issues"),
    ("ADD_COMMENTS", "15", "PROJECT", "Add Comments"),
    ("DELETE_ISSUES", "16", "PROJECT", "Delete Issues"),
    ("ASSIGNABLE_USER", "17", "PROJECT", "Assignable User"),
    ("CLOSE_ISSUES", "18", "PROJECT", "Close Issues"),
    ("WORK_ON_ISSUES", "20", "PROJECT", "Work On Issues"),
    ("LINK_ISSUES", "21", "PROJECT", "Link Issues"),
    ("MOVE_ISSUES", "25", "PROJECT", "Move Issues"),
    ("SCHEDULE_ISSUES", "28", "PROJECT", "Schedule Issues"),
    ("MANAGE_WATCHERS", "32", "PROJECT", "Manage Watchers"),
    ("TRANSITION_ISSUES", "46", "PROJECT", "Transition Issues"),
    ("MANAGE_SPRINTS_PERMISSION", "-1", "PROJECT", "Manage Sprints"),
]
_ADMIN_ONLY = {"ADMINISTER", "SYSTEM_ADMIN", "ADMINISTER_PROJECTS", "BULK_CHANGE"}
ADMINISTER_DESCRIPTION = (
    "Create and administer projects, issue types, fields, workflows, and schemes for all "
    "projects. Users with this permission can perform most administration tasks, except: "
    "managing users, importing data, and editing system email settings."
)


def user_json(base_url: str, user: User, groups: bool = False) -> dict[str, Any]:
    """UserBean; `groups` expands group membership."""
    avatar = f"{base_url}/secure/useravatar?avatarId=10122"
    body: dict[str, Any] = {
        "self": f"{base_url}/rest/api/2/user?username={user.name}",
        "key": user.key,
        "name": user.name,
        "emailAddress": user.email,
        "avatarUrls": {size: avatar for size in ("48x48", "24x24", "16x16", "32x32")},
        "displayName": user.display_name,
        "active": True,
        "deleted": False,
        "timeZone": "UTC",
        "locale": "en_US",
    }
    if groups:
        names = ["jira-software-users"] + (["jira-administrators"] if user.admin else [])
        body["groups"] = {"size": len(names), "items": [{"name": n} for n in names]}
        body["applicationRoles"] = {"size": 1, "items": [{"key": "jira-software"}]}
        body["expand"] = "groups,applicationRoles"
    return body


@routes.get("/rest/api/2/serverInfo", auth=False)
def server_info(sim: Any, request: Request) -> Response:
    """Version facts; anonymous callers allowed."""
    numbers = VERSIONS[sim.state.version]
    return json_response(
        {
            "baseUrl": sim.base_url,
            "version": ".".join(map(str, numbers)),
            "versionNumbers": numbers,
            "deploymentType": "Server",
            "buildNumber": numbers[0] * 100000 + numbers[1] * 1000 + numbers[2],
            "buildDate": "2026-09-01T00:00:00.000+0000",
            "scmInfo": "0000000000000000000000000000000000000000",
            "serverTitle": "Jira (simulated)",
        }
    )


@routes.get("/rest/api/2/myself")
def myself(sim: Any, request: Request) -> Response:
    """The caller, groups expanded."""
    return json_response(user_json(sim.base_url, request.user, groups=True))


@routes.get("/rest/api/2/mypermissions")
def my_permissions(sim: Any, request: Request) -> Response:
    """Every permission with havePermission for the caller."""
    user = request.user
    permissions = {
        key: {
            "id": pid,
            "key": key,
            "name": name,
            "type": kind,
            "description": ADMINISTER_DESCRIPTION if key == "ADMINISTER" else name + ".",
            "havePermission": user.admin or key not in _ADMIN_ONLY,
        }
        for key, pid, kind, name in PERMISSIONS
    }
    return json_response({"permissions": permissions})
