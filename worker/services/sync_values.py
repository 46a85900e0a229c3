"""What each issue should hold (desired values) and whether Jira already holds it.

Desired values are kept as one tuple per scored issue, aligned with the board's mapped fields,
so a 100,000-issue board costs a few tens of MB, not one dict per issue.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from redis import Redis

from worker import scoring
from worker.model import Board, Score, SyncField
from worker.store.scores import scores_key

FLOAT_TOLERANCE = 1e-6
"""Relative tolerance: Jira stores number fields as doubles and may echo 3 as 3.0."""


@dataclass(frozen=True)
class FieldPlan:
    """The mapped fields of a board, in a fixed order shared by every desired tuple."""

    fields: tuple[SyncField, ...]

    @property
    def ids(self) -> list[str]:
        return [f.tracker_field for f in self.fields if f.tracker_field]

    @property
    def types(self) -> list[str]:
        return [f.type for f in self.fields]

    @property
    def read_ids(self) -> list[str]:
        """Fields read from Jira: the mapped ones, and `status` to name it when Jira refuses
        an edit in that workflow status (see sync_writer)."""
        return [*self.ids, "status"]


def status_name(fields: dict[str, Any]) -> str | None:
    """The workflow status name from an issue's `fields` (Jira sends an object)."""
    status = fields.get("status")
    return status.get("name") if isinstance(status, dict) else None


def normalise(value: Any, kind: str) -> Any:
    """Comparable form: numbers as float, strings stripped; "", null and blanks as None."""
    if value is None:
        return None
    if isinstance(value, dict):  # option-like values {"value": ...}; ours are plain, be lenient
        value = value.get("value")
        if value is None:
            return None
    if kind == "number":
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        return number if math.isfinite(number) else None
    text = str(value).strip()
    return text or None


def same(current: Any, desired: Any, kind: str) -> bool:
    a, b = normalise(current, kind), normalise(desired, kind)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def wire_value(value: Any, kind: str) -> Any:
    """The JSON value sent to Jira: numbers as numbers (ints stay ints), text as text."""
    if value is None:
        return None
    if kind == "number":
        return int(value) if isinstance(value, int) else float(value)
    return str(value)


def iter_scores(redis: Redis, board_id: str, batch: int = 2000) -> Iterator[Score]:
    """Stream the board's scores (HSCAN) instead of loading the whole hash at once."""
    for _key, raw in redis.hscan_iter(scores_key(board_id), count=batch):
        yield Score.from_dict(json.loads(raw))


def desired_table(redis: Redis, board: Board, plan: FieldPlan) -> dict[str, tuple]:
    """issue key -> desired values (tuple aligned with plan.fields) for every scored issue."""
    rows: list[tuple[tuple, str, tuple]] = []
    sources = [f.source for f in plan.fields]
    for score in iter_scores(redis, board.id):
        values = scoring.desired_values(score, 0)
        if values is None:
            continue
        row = tuple(values.get(s) for s in sources)
        rows.append((scoring.rank_key(score), score.issue, row))
    rows.sort(key=lambda r: r[0])
    table: dict[str, tuple] = {}
    prio = sources.index("priority") if "priority" in sources else None
    for rank, (_sort, issue, row) in enumerate(rows, start=1):
        if prio is not None:
            row = row[:prio] + (rank,) + row[prio + 1 :]
        table[issue] = row
    return table


def diff(current: dict[str, Any], desired: tuple | None, plan: FieldPlan) -> dict[str, tuple]:
    """field id -> (old, new) for every mapped field whose value must change."""
    out = {}
    for i, f in enumerate(plan.fields):
        want = desired[i] if desired is not None else None
        have = current.get(f.tracker_field)
        if not same(have, want, f.type):
            out[f.tracker_field] = (have, wire_value(want, f.type))
    return out
