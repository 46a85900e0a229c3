"""The simulated Jira's entities; one SimState per reset, guarded by Sim.lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    name: str
    key: str
    password: str
    token: str
    display_name: str
    admin: bool

    @property
    def email(self) -> str:
        return f"{self.name}@example.com"


@dataclass
class Field:
    id: str
    name: str
    custom: bool
    schema: dict[str, Any]
    type_key: str | None = None
    searcher: str | None = None
    description: str = ""

    @property
    def searchable(self) -> bool:
        return not self.custom or self.searcher is not None

    @property
    def number(self) -> int | None:
        return int(self.id.split("_")[1]) if self.custom else None

    def clause_names(self) -> list[str]:
        if self.custom:
            return [f"cf[{self.number}]", self.name] if self.searchable else []
        return [self.id]


@dataclass
class Tab:
    id: int
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Screen:
    id: int
    name: str
    description: str
    tabs: list[Tab] = field(default_factory=list)

    def field_ids(self) -> list[str]:
        return [fid for tab in self.tabs for fid in tab.fields]


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: str  # new | indeterminate | done
    editable: bool  # the workflow step's `jira.issue.editable` property


@dataclass(eq=False)  # hashed by identity: search results are (project, n) pairs in sets
class Project:
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
        return self.screens.get(issue_type_id, self.default_screen)


@dataclass
class Sprint:
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
    id: int
    field_id: str
    mode: str


@dataclass
class Board:
    id: int
    name: str
    type: str  # scrum | kanban
    filter_id: int
    project_key: str
    columns: list[dict[str, Any]]
    card_layout: list[CardItem] = field(default_factory=list)


@dataclass
class Filter:
    id: int
    name: str
    jql: str
    owner: str
    description: str = ""


@dataclass
class Webhook:
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
        return int(self.version.split(".")[0])

    def user_by_token(self, token: str) -> User | None:
        return next((u for u in self.users.values() if u.token == token), None)

    def screen_of_tab(self, tab_id: int) -> Screen | None:
        return next((s for s in self.screens.values() for t in s.tabs if t.id == tab_id), None)
