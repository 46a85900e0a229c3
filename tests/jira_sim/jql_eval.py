"""Resolve parsed JQL against the state: field lookup, validation, predicates and sort keys."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.jira_sim import issue_store
from tests.jira_sim.dataset import ISSUE_TYPES, PRIORITIES, RANK, RESOLUTIONS, SPRINT, STATUSES
from tests.jira_sim.jql import BoolExpr, Clause, JqlError, Query, Value
from tests.jira_sim.state import Field, Project, SimState

Predicate = Callable[[Project, int], bool]
STATUS_CATEGORY = "statusCategory"  # a JQL field derived from the status, not stored
TEXT = "text"  # JQL's full-text field: summary and description here (no comments are stored)
_CATEGORIES = {
    "to do": "new",
    "new": "new",
    "2": "new",
    "in progress": "indeterminate",
    "indeterminate": "indeterminate",
    "4": "indeterminate",
    "done": "done",
    "3": "done",
}
# Operators each kind of field supports (IS [NOT] EMPTY works everywhere); Jira refuses others,
# e.g. `summary = x` ("use ~") or `labels > x`.
_EQUALITY = {"=", "!=", "in", "not in"}
_OPERATORS = {"text": {"~", "!~"}, "ordered": _EQUALITY | {">", ">=", "<", "<="},
              "exact": _EQUALITY}  # fmt: skip
# Derived JQL fields and the stored fields whose writes change them (search cache invalidation).
_DERIVED_FROM = {STATUS_CATEGORY: {"status"}, TEXT: {"summary", "description"}}
_RELATIVE = re.compile(r"^([-+]?)(\d+)([mhdw])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_ALIASES = {"issuekey": "key", "id": "key", "type": "issuetype", "sprint": SPRINT, "rank": RANK}
_SPRINT_FUNCS = {
    "opensprints": ("active", "future"),
    "closedsprints": ("closed",),
    "futuresprints": ("future",),
}


def missing_field(name: str) -> JqlError:
    """Jira's error for an unknown or unsearchable field."""
    return JqlError(f"Field '{name}' does not exist or you do not have permission to view it.")


def resolve_field(state: SimState, name: str) -> str:
    """A JQL field reference -> field id ('key' for issue keys); only searchable fields."""
    lowered = name.lower()
    if _ALIASES.get(lowered) == "key" or lowered == "key":
        return "key"
    if lowered == "statuscategory":
        return STATUS_CATEGORY
    if lowered == "text":
        return TEXT
    field: Field | None = None
    if lowered in _ALIASES:
        field = state.fields.get(_ALIASES[lowered])
    elif lowered.startswith("cf[") and lowered.endswith("]") and lowered[3:-1].isdigit():
        field = state.fields.get(f"customfield_{lowered[3:-1]}")
    elif lowered in state.fields and not state.fields[lowered].custom:
        field = state.fields[lowered]
    elif lowered in state.fields:  # customfield_N itself is not a JQL name
        field = None
    else:
        field = next((f for f in state.fields.values() if f.name.lower() == lowered), None)
    if field is None or not field.searchable:
        raise missing_field(name)
    return field.id


@dataclass
class Compiled:
    """What a search needs: candidates, predicate, sort key."""

    projects: list[Project]
    keys: list[tuple[Project, int]] | None
    predicate: Predicate | None
    sort_key: Callable[[tuple[Project, int]], Any]

    def candidates(self) -> Iterator[tuple[Project, int]]:
        """Issues to test, narrowed by top-level project/key clauses."""
        if self.keys is not None:
            yield from self.keys
            return
        for project in self.projects:
            for n in range(1, project.count + 1):
                yield project, n


class Compiler:
    """Turns a parsed Query into predicates over (project, n)."""

    def __init__(self, state: SimState, user: str, validate: bool = True) -> None:
        self.state = state
        self.user = user
        self.validate = validate
        self.used: set[str] = set()  # field ids read by predicates and sort keys
        self.volatile = False

    def compile(self, query: Query) -> Compiled:
        """Compile the query, validating fields and values like Jira."""
        projects = list(self.state.projects.values())
        keys = None
        predicate = self.expr(query.where) if query.where is not None else None
        # Narrow the scan with top-level `project`/`key` clauses (the index, not a full scan).
        top = (
            query.where.parts
            if isinstance(query.where, BoolExpr) and query.where.op == "AND"
            else [query.where]
        )
        for part in top:
            if isinstance(part, Clause) and part.op in ("=", "in"):
                fid = resolve_field(self.state, part.field)
                if fid == "project":
                    wanted = {self.project(v).key for v in part.values}
                    projects = [p for p in projects if p.key in wanted]
                elif fid == "key":
                    found = [self.issue(v) for v in part.values]
                    keys = sorted({f for f in found if f}, key=lambda pn: (pn[0].key, pn[1]))
        return Compiled(projects, keys, predicate, self.sort_key(query.order_by))

    def project(self, value: Value) -> Project:
        """The project a value names, or Jira's error."""
        for p in self.state.projects.values():
            if value.text.upper() in (p.key, str(p.id)) or value.text.lower() == p.name.lower():
                return p
        raise JqlError(f"The value '{value.text}' does not exist for the field 'project'.")

    def issue(self, value: Value) -> tuple[Project, int] | None:
        """The issue a key names; unknown keys are an error when validating."""
        found = issue_store.locate(self.state, value.text)
        if found is None and self.validate:
            raise JqlError(f"An issue with key '{value.text}' does not exist for field 'key'.")
        return found

    def expr(self, node: object) -> Predicate:
        """A predicate for a boolean tree."""
        if isinstance(node, BoolExpr):
            parts = [self.expr(p) for p in node.parts]
            if node.op == "AND":
                return lambda p, n: all(f(p, n) for f in parts)
            if node.op == "OR":
                return lambda p, n: any(f(p, n) for f in parts)
            return lambda p, n: not parts[0](p, n)
        assert isinstance(node, Clause)
        return self.clause(node)

    def clause(self, clause: Clause) -> Predicate:
        """A predicate for one clause."""
        fid = resolve_field(self.state, clause.field)
        self.used.update(_DERIVED_FROM.get(fid, {fid}))
        op = clause.op
        if fid == "project":
            wanted = {self.project(v).key for v in clause.values}
            return self._match(op, clause, lambda p, n: p.key, wanted)
        if fid == "key":
            wanted_keys = {f for f in (self.issue(v) for v in clause.values) if f}
            return self._match(op, clause, lambda p, n: (p, n), wanted_keys)
        getter = self._getter(fid)
        if op in ("is", "is not"):
            empty = op == "is"
            return lambda p, n: (getter(p, n) in (None, [], "")) == empty
        if op not in _OPERATORS[self._kind(fid)]:
            raise JqlError(f"The operator '{op}' is not supported by the '{clause.field}' field.")
        values = {self.value(fid, v) for v in clause.values}
        if op in ("~", "!~"):
            needle = str(clause.values[0].text).lower()
            hit = lambda p, n: needle in str(getter(p, n) or "").lower()  # noqa: E731
            return hit if op == "~" else (lambda p, n: not hit(p, n))
        if op in (">", ">=", "<", "<="):
            bound = next(iter(values))
            compare = {
                ">": lambda a: a > bound,
                ">=": lambda a: a >= bound,
                "<": lambda a: a < bound,
                "<=": lambda a: a <= bound,
            }[op]
            return lambda p, n: (v := getter(p, n)) is not None and compare(v)
        return self._match(op, clause, getter, values)

    @staticmethod
    def _match(op: str, clause: Clause, getter: Callable, wanted: set) -> Predicate:
        if op in ("=", "in"):
            return lambda p, n: _contains(wanted, getter(p, n))
        if op in ("!=", "not in"):
            return lambda p, n: not _contains(wanted, getter(p, n))
        raise JqlError(f"The operator '{op}' is not supported by the '{clause.field}' field.")

    def _kind(self, fid: str) -> str:
        """How JQL compares the field: text (~ only), ordered (<, >, =) or exact (=, in)."""
        if fid == TEXT:
            return "text"
        field = self.state.fields.get(fid)
        kind = field.schema.get("type") if field else None
        if kind == "string" and (field.searcher or "").endswith(("textsearcher", "summary")):
            return "text"
        if fid in ("summary", "description"):
            return "text"
        return "ordered" if kind in ("number", "datetime", "date") else "exact"

    def _getter(self, fid: str) -> Callable[[Project, int], Any]:
        return lambda p, n: raw_value(self.state, p, n, fid)

    def value(self, fid: str, value: Value) -> Any:
        """A literal converted to the stored representation of `fid`."""
        text = value.text
        if fid == TEXT:
            return text
        if value.function:
            fn = text.lower()
            if fn == "currentuser":
                self.volatile = True
                return self.user
            if fid == SPRINT and fn in _SPRINT_FUNCS:
                states = _SPRINT_FUNCS[fn]
                return frozenset(s.id for s in self.state.sprints.values() if s.state in states)
            raise JqlError(f"Unable to find JQL function '{text}()'.")
        if fid == STATUS_CATEGORY:
            if text.lower() not in _CATEGORIES:
                raise JqlError(f"The value '{text}' does not exist for the field 'statusCategory'.")
            return _CATEGORIES[text.lower()]
        field = self.state.fields[fid]
        if field.schema.get("type") == "datetime":
            self.volatile = self.volatile or bool(_RELATIVE.match(text.strip()))
            return _date(text, field.name)
        if fid == "resolution" and text.lower() == "unresolved":
            return None
        if field.schema.get("type") == "number":
            try:
                return float(text)
            except ValueError:
                raise JqlError(
                    f"The value '{text}' is not a valid number for '{field.name}'."
                ) from None
        lookups = {
            "issuetype": {n.lower(): i for i, (n, _) in ISSUE_TYPES.items()},
            "status": {s.name.lower(): i for i, s in STATUSES.items()},
            "priority": {n.lower(): i for i, n in PRIORITIES.items()},
            "resolution": {n.lower(): i for i, (n, _) in RESOLUTIONS.items()},
            SPRINT: {s.name.lower(): s.id for s in self.state.sprints.values()},
        }
        if fid in lookups:
            table = lookups[fid]
            if text.lower() in table:
                return table[text.lower()]
            ids = set(table.values())
            if fid == SPRINT and text.isdigit() and int(text) in ids:
                return int(text)
            if text in ids:
                return text
            raise JqlError(
                f"The value '{text}' does not exist for the field '{field.name.lower()}'."
            )
        return text

    def sort_key(self, order_by: list[tuple[str, str]]) -> Callable[[tuple[Project, int]], Any]:
        """A sort key for ORDER BY (empty last ascending, then key)."""
        keys = []
        for name, direction in order_by:
            fid = resolve_field(self.state, name)
            if fid == TEXT:
                raise JqlError("Field 'text' does not support sorting.")
            keys.append((fid, direction == "DESC"))
            self.used.update(_DERIVED_FROM.get(fid, {fid}))
        state = self.state

        def key(pn: tuple[Project, int]) -> tuple:
            """The sort key of one issue."""
            project, n = pn
            out: list[Any] = []
            for fid, desc in keys:
                raw = (project.key, n) if fid == "key" else raw_value(state, project, n, fid)
                # Empty values sort last ascending and first descending, as Jira does.
                out.append(_Desc((raw is not None, raw)) if desc else (raw is None, raw))
            out.append((project.key, n))
            return tuple(out)

        return key


def _contains(wanted: set, actual: Any) -> bool:
    if isinstance(actual, list):
        return any(_contains(wanted, a) for a in actual)
    for w in wanted:
        if isinstance(w, frozenset):
            if actual in w:
                return True
        elif w == actual or (
            isinstance(w, str) and isinstance(actual, str) and w.lower() == actual.lower()
        ):
            return True
    return False


class _Desc:
    """Inverts ordering for DESC sort keys."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Desc) -> bool:
        return other.v < self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.v == other.v


def raw_value(state: SimState, project: Project, n: int, fid: str) -> Any:
    """A stored value, or one derived for JQL (statusCategory)."""
    if fid == STATUS_CATEGORY:
        return STATUSES[issue_store.value(state, project, n, "status")].category
    if fid == TEXT:
        parts = (issue_store.value(state, project, n, f) for f in ("summary", "description"))
        return " ".join(p for p in parts if p)
    return issue_store.value(state, project, n, fid)


def _date(text: str, name: str) -> str:
    """A JQL date (`2026-10-01`, `2026/10/01 10:00`, `-2w`, `1d`) as a comparable timestamp."""
    relative = _RELATIVE.match(text.strip())
    if relative:
        sign = -1 if relative.group(1) == "-" else 1
        delta = timedelta(seconds=sign * int(relative.group(2)) * _UNITS[relative.group(3)])
        return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M")
    normal = text.strip().replace("/", "-").replace(" ", "T")
    if not re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$", normal):
        raise JqlError(
            f"Date value '{text}' for field '{name.lower()}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        )
    return normal
