"""Demo and empty datasets (the contract in the helpers' brief and DESIGN.md §8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.jira_sim.state import (
    Board,
    Field,
    Filter,
    Project,
    Screen,
    SimState,
    Sprint,
    Status,
    Tab,
    User,
)

VERSIONS = {"9.12": [9, 12, 15], "10.3": [10, 3, 12]}

ISSUE_TYPES = {
    "10001": ("Story", "Functionality or a feature expressed as a user goal."),
    "10002": ("Task", "A task that needs to be done."),
    "10004": ("Bug", "A problem which impairs or prevents the functions of the product."),
}
# Closed (id 6) keeps Jira's default workflow property jira.issue.editable=false: editmeta is
# empty and edits are refused (https://confluence.atlassian.com/adminjiraserver/workflow-properties-938847526.html).
STATUSES = {
    "10000": Status("10000", "To Do", "new", True),
    "3": Status("3", "In Progress", "indeterminate", True),
    "10001": Status("10001", "Done", "done", True),
    "6": Status("6", "Closed", "done", False),
}
PRIORITIES = {"1": "Highest", "2": "High", "3": "Medium", "4": "Low"}
RESOLUTIONS = {"10000": ("Done", "Work has been completed on this issue.")}

SP, RANK, SPRINT, BV, NOTES = (
    "customfield_10002",
    "customfield_10019",
    "customfield_10020",
    "customfield_10100",
    "customfield_10101",
)
CT = "com.atlassian.jira.plugin.system.customfieldtypes:"
GH = "com.pyxis.greenhopper.jira:"


def _system(fid: str, name: str, type_: str, items: str | None = None) -> Field:
    schema = {"type": type_, "system": fid}
    if items:
        schema["items"] = items
    return Field(fid, name, False, schema)


def custom_field(
    number: int, name: str, type_key: str, searcher: str | None, description: str = ""
) -> Field:
    """A custom field with the `schema` Jira derives from its type key."""
    schema_type, items = CUSTOM_TYPES[type_key]
    schema = {"type": schema_type, "custom": type_key, "customId": number}
    if items:
        schema["items"] = items
    return Field(f"customfield_{number}", name, True, schema, type_key, searcher, description)


# type key -> (schema.type, schema.items); valid searchers live in fields.py.
CUSTOM_TYPES: dict[str, tuple[str, str | None]] = {
    CT + "float": ("number", None),
    CT + "textfield": ("string", None),
    CT + "textarea": ("string", None),
    CT + "url": ("string", None),
    CT + "datepicker": ("date", None),
    CT + "datetime": ("datetime", None),
    CT + "select": ("option", None),
    CT + "labels": ("array", "string"),
    GH + "gh-lexo-rank": ("any", None),
    GH + "gh-sprint": ("array", "string"),
}


def system_fields() -> list[Field]:
    """Jira's system fields the simulator stores."""
    return [
        _system("summary", "Summary", "string"),
        _system("description", "Description", "string"),
        _system("issuetype", "Issue Type", "issuetype"),
        _system("project", "Project", "project"),
        _system("status", "Status", "status"),
        _system("resolution", "Resolution", "resolution"),
        _system("priority", "Priority", "priority"),
        _system("assignee", "Assignee", "user"),
        _system("reporter", "Reporter", "user"),
        _system("labels", "Labels", "array", "string"),
        _system("created", "Created", "datetime"),
        _system("updated", "Updated", "datetime"),
    ]


def software_fields() -> list[Field]:
    """Fields every Jira Software instance has."""
    return [
        custom_field(10002, "Story Points", CT + "float", CT + "exactnumber"),
        custom_field(10019, "Rank", GH + "gh-lexo-rank", GH + "gh-lexo-rank-searcher"),
        custom_field(10020, "Sprint", GH + "gh-sprint", GH + "gh-sprint-searcher"),
    ]


def default_screens() -> list[Screen]:
    """Screens 1, 2, 3 of a fresh Jira."""
    basic = ["summary", "issuetype", "priority", "description", "assignee", "reporter", "labels"]
    return [
        Screen(
            1,
            "Default Screen",
            "Allows to update all system fields.",
            [Tab(10000, "Field Tab", list(basic))],
        ),
        Screen(
            2,
            "Workflow Screen",
            "This screen is used in the workflow and enables you to assign issues",
            [Tab(10001, "Field Tab", ["assignee"])],
        ),
        Screen(
            3,
            "Resolve Issue Screen",
            "Allows to set resolution, change fix versions and assign an issue.",
            [Tab(10002, "Field Tab", ["assignee"])],
        ),
    ]


def users() -> dict[str, User]:
    """The demo users: an administrator and an ordinary user."""
    return {
        "admin": User("admin", "JIRAUSER10000", "admin", "demo-admin-token", "Ada Admin", True),
        "dev": User("dev", "JIRAUSER10100", "dev", "demo-dev-token", "Dev Eloper", False),
    }


def build(dataset: str = "demo", issues: int | None = None, version: str = "10.3") -> SimState:
    """A fresh state for `dataset` ("demo" or "empty"); `issues` resizes SHOP."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {sorted(VERSIONS)}")
    if dataset not in ("demo", "empty"):
        raise ValueError("dataset must be 'demo' or 'empty'")
    if issues is not None and not 0 <= issues <= 1_000_000:
        raise ValueError("issues must be between 0 and 1000000")
    fields = system_fields() + software_fields()
    screens = default_screens()
    state = SimState(
        version=version,
        users=users(),
        fields={f.id: f for f in fields},
        screens={s.id: s for s in screens},
        projects={},
        sprints={},
        boards={},
        filters={},
    )
    if dataset == "demo":
        _add_demo(state, 30 if issues is None else issues)
    return state


def _add_demo(state: SimState, shop_issues: int) -> None:
    for f in (
        custom_field(10100, "Business Value", CT + "float", CT + "exactnumber"),
        custom_field(10101, "Team Notes", CT + "textfield", CT + "textsearcher"),
    ):
        state.fields[f.id] = f
    shop_fields = ["summary", "issuetype", SPRINT, SP, "priority", "description", "assignee"]
    shop_fields += ["reporter", "labels", BV, NOTES]
    state.screens[10000] = Screen(
        10000, "SHOP: Scrum Default Issue Screen", "", [Tab(10100, "Field Tab", list(shop_fields))]
    )
    state.screens[10001] = Screen(
        10001, "SHOP: Scrum Bug Screen", "", [Tab(10101, "Field Tab", list(shop_fields))]
    )
    types = list(ISSUE_TYPES)
    state.projects["SHOP"] = Project(
        10000,
        "SHOP",
        "Shop",
        "scrum",
        types,
        {"10001": 10000, "10002": 10000, "10004": 10001},
        10000,
        shop_issues,
        10100,
    )
    state.projects["OPS"] = Project(10001, "OPS", "Operations", "kanban", types, {}, 1, 10, 10000)
    state.filters[10000] = Filter(
        10000, "Filter for SHOP board", "project = SHOP ORDER BY Rank ASC", "admin"
    )
    state.filters[10001] = Filter(
        10001, "Filter for OPS board", "project = OPS ORDER BY Rank ASC", "admin"
    )
    state.boards[1] = Board(1, "SHOP board", "scrum", 10000, "SHOP", _columns(scrum=True))
    state.boards[2] = Board(2, "OPS board", "kanban", 10001, "OPS", _columns(scrum=False))
    state.sprints[1] = Sprint(
        1,
        "SHOP Sprint 1",
        "active",
        1,
        *_active_sprint_dates(),
        None,
        "Checkout revamp",
    )
    state.sprints[2] = Sprint(2, "SHOP Sprint 2", "future", 1)


def _active_sprint_dates() -> tuple[str, str]:
    """A two-week sprint that ends three days from now, whenever the demo is started.

    Fixed dates would put the end in the past one day, and every worker's reconciler would then
    start a sprint-end run on its own during unrelated tests and demos.
    """
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    end = today + timedelta(days=3)
    start = end - timedelta(days=14)
    fmt = "%Y-%m-%dT%H:%M:%S.000+0000"
    return start.strftime(fmt), end.strftime(fmt)


def _columns(scrum: bool) -> list[dict]:
    columns = [
        {"name": "To Do", "statuses": ["10000"]},
        {"name": "In Progress", "statuses": ["3"]},
        {"name": "Done", "statuses": ["10001", "6"]},
    ]
    if not scrum:
        columns.insert(0, {"name": "Backlog", "statuses": []})
    return columns
