"""Domain dataclasses (DESIGN §3). Raw dicts become these at the boundary, after validation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SOURCE_TYPES = {
    "priority": "number",
    "alignment": "number",
    "score": "number",
    "score_status": "string",
    "score_percent": "number",
}
"""Value type of each built-in source; every `criterion:<id>` source is a number."""

SOURCE_LABELS = {
    "priority": "Priority",
    "alignment": "Alignment",
    "score": "Score",
    "score_status": "Score Status",
    "score_percent": "Score Percent",
}

DEFAULT_SOURCES = ("priority", "alignment")
RUN_STATES = ("queued", "running", "succeeded", "partial", "failed")
TRIGGERS = ("manual", "schedule", "sprint_end", "revert")


def criterion_id(source: str) -> str | None:
    """The criterion id of a `criterion:<id>` source, else None."""
    prefix, sep, cid = source.partition(":")
    return cid if sep and prefix == "criterion" else None


def source_type(source: str) -> str:
    """'number' or 'string' for a sync source."""
    return "number" if source.startswith("criterion:") else SOURCE_TYPES[source]


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    weight: float = 1.0
    required: bool = True


@dataclass(frozen=True)
class SyncField:
    source: str
    name: str
    tracker_field: str | None = None

    @property
    def type(self) -> str:
        return source_type(self.source)


@dataclass(frozen=True)
class Schedule:
    mode: str = "sprint_end"
    weekday: str | None = None
    time: str | None = None
    timezone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Options:
    notify_users: bool = False
    notify_fallback: bool = False
    unscored: str = "keep"
    out_of_scope: str = "keep"
    card_layout: dict[str, bool] = field(
        default_factory=lambda: {"backlog": True, "active_sprint": True}
    )
    sort_board_by: str | None = None
    field_name_style: str = "emoji"


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    emoji: str
    jira_board_id: int
    project_keys: tuple[str, ...]
    jql: str | None = None
    fields: tuple[SyncField, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    active: bool = False
    schedule: Schedule = field(default_factory=Schedule)
    options: Options = field(default_factory=Options)
    preflight: dict[str, Any] | None = None
    board_config: dict[str, Any] | None = None
    created_at: str | None = None
    activated_at: str | None = None
    """When the board was last turned on (ISO UTC); None for boards activated before it was kept."""

    @property
    def mark(self) -> str:
        """What field names carry: the emoji, or `[board-id]` where Jira's MySQL is not utf8mb4."""
        return f"[{self.id}]" if self.options.field_name_style == "ascii" else self.emoji

    def default_field_name(self, source: str) -> str:
        cid = criterion_id(source)
        if cid is not None:
            label = next((c.name for c in self.criteria if c.id == cid), cid)
        else:
            label = SOURCE_LABELS[source]
        return f"{label} {self.mark} Ducalis"

    def scope_jql(self) -> str:
        """Issues in scope: `project in (KEYS) [AND (jql)]`."""
        keys = ", ".join(self.project_keys)
        base = f"project in ({keys})"
        return f"{base} AND ({self.jql})" if self.jql else base

    def mapped_fields(self) -> tuple[SyncField, ...]:
        return tuple(f for f in self.fields if f.tracker_field)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["project_keys"] = list(self.project_keys)
        data["fields"] = [asdict(f) for f in self.fields]
        data["criteria"] = [asdict(c) for c in self.criteria]
        data["schedule"] = self.schedule.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Board:
        return cls(
            id=data["id"],
            name=data["name"],
            emoji=data.get("emoji", ""),
            jira_board_id=int(data["jira_board_id"]),
            project_keys=tuple(data["project_keys"]),
            jql=data.get("jql") or None,
            fields=tuple(SyncField(**f) for f in data.get("fields", ())),
            criteria=tuple(Criterion(**c) for c in data.get("criteria", ())),
            active=bool(data.get("active", False)),
            schedule=Schedule(**data.get("schedule", {})),
            options=Options(**data.get("options", {})),
            preflight=data.get("preflight"),
            board_config=data.get("board_config"),
            created_at=data.get("created_at"),
            activated_at=data.get("activated_at"),
        )


@dataclass(frozen=True)
class Score:
    """One issue's prioritization result on one board (priority is derived, never stored)."""

    issue: str
    score: float | None
    criteria: dict[str, float] = field(default_factory=dict)
    status: str = "Scored"
    percent: float | None = None
    alignment: float | None = None
    updated_at: str | None = None
    issue_id: int | None = None
    """Jira's numeric issue id when the sender knows it (the last priority tie-breaker)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        return cls(
            issue=data["issue"],
            score=data.get("score"),
            criteria=dict(data.get("criteria") or {}),
            status=data.get("status", "Scored"),
            percent=data.get("percent"),
            alignment=data.get("alignment"),
            updated_at=data.get("updated_at"),
            issue_id=data.get("issue_id"),
        )
