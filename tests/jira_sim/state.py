"""The simulated Jira's entities; one SimState per reset, guarded by Sim.lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A Jira user with password and personal access token."""

    name: str
    key: str
    password: str
    token: str
    display_name: str
    admin: bool

    @property
    def email(self) -> str:
        """The user's e-mail address."""
        return f"{self.name}@example.com"


@dataclass
class Field:
    """A system or custom field."""

    id: str
    name: str
    custom: bool
    schema: dict[str, Any]
    type_key: str | None = None
    searcher: str | None = None
    description: str = ""

    @property
    def searchable(self) -> bool:
        """System fields and custom fields with a searcher are searchable."""
        return not self.custom or self.searcher is not None

    @property
    def number(self) -> int | None:
        """N of customfield_N."""
        return int(self.id.split("_")[1]) if self.custom else None

    def clause_names(self) -> list[str]:
        """Names JQL accepts for the field."""
        if self.custom:
            return [f"cf[{self.number}]", self.name] if self.searchable else []
        return [self.id]


@dataclass
class Tab:
    """A screen tab and its field ids in order."""

    id: int
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Screen:
    """A screen and its tabs."""

    id: int
    name: str
    description: str
    tabs: list[Tab] = field(default_factory=list)

    def field_ids(self) -> list[str]:
        """Field ids on all tabs."""
        return [fid for tab in self.tabs for fid in tab.fields]


@dataclass(frozen=True)
class Status:
    """A workflow status."""

    id: str
    name: str
    category: str  # new | indeterminate | done
    editable: bool  # the workflow step's `jira.issue.editable` property


@dataclass(eq=False)  # hashed by identity: search results are (project, n) pairs in sets
class Project:
    """A project; its issues are numbered 1..count."""

    id: int
    key: str
    name: str
    style: str  # scrum | kanban
    issue_type_ids: list[str]
    screens: dict[str, int]  # issue type id -> edit screen id
    default_screen: int
    count: int  # issues KEY-1 .. KEY-count
    id_base: int  # issue id = id_base + n

    def screen_for(self, issue_type_id: str) -> int:
        """The edit screen id for an issue type."""
        return self.screens.get(issue_type_id, self.default_screen)


@dataclass
class Sprint:
    """An agile sprint."""

    id: int
    name: str
    state: str  # future | active | closed
    board_id: int
    start: str | None = None
    end: str | None = None
    complete: str | None = None
    goal: str = ""


@dataclass
class CardItem:
    """One card-layout field of a board."""

    id: int
    field_id: str
    mode: str


@dataclass
class Board:
    """An agile board."""

    id: int
    name: str
    type: str  # scrum | kanban
    filter_id: int
    project_key: str
    columns: list[dict[str, Any]]
    card_layout: list[CardItem] = field(default_factory=list)


@dataclass
class Filter:
    """A saved filter."""

    id: int
    name: str
    jql: str
    owner: str
    description: str = ""


@dataclass
class Webhook:
    """A registered webhook."""

    id: int
    name: str
    url: str
    events: list[str]
    secret: str | None = None
    active: bool = True
    created_ms: int = 0
    updated_ms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SimState:
    """Everything one reset creates."""

    version: str
    users: dict[str, User]
    fields: dict[str, Field]
    screens: dict[int, Screen]
    projects: dict[str, Project]
    sprints: dict[int, Sprint]
    boards: dict[int, Board]
    filters: dict[int, Filter]
    webhooks: dict[int, Webhook] = field(default_factory=dict)
    # issue id -> {field id: raw value}; unedited issues are generated from their number.
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_field_number: int = 10200
    next_tab_id: int = 10200
    next_card_item: int = 1
    next_webhook: int = 1
    next_changelog: int = 10000
    # search results by (jql, validate) -> (matches, field ids the query reads); see search.py
    search_cache: dict[tuple[str, bool], tuple[list, set[str]]] = field(default_factory=dict)

    @property
    def major(self) -> int:
        """The major version (9 or 10)."""
        return int(self.version.split(".")[0])

    def user_by_token(self, token: str) -> User | None:
        """The user owning a PAT."""
        return next((u for u in self.users.values() if u.token == token), None)
