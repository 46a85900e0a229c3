"""Validation of values written through PUT issue, with Jira's per-field messages (§4.1)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.dataset import PRIORITIES
from tests.jira_sim.state import Field, SimState

TEXT_LIMIT = 255


class ValueError_(Exception):
    """One field's value is refused; the message is Jira's."""


def coerce(state: SimState, field: Field, value: Any) -> Any:
    """The raw value to store, or ValueError_ with Jira's message for that field."""
    kind = field.schema.get("type")
    if field.id == "summary":
        if not isinstance(value, str) or not value.strip():
            raise ValueError_("You must specify a summary of the issue.")
        if len(value) > TEXT_LIMIT:
            raise ValueError_("Summary must be less than 255 characters.")
        return value
    if value is None:
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError_("Operation value must be a number")
        return float(value)
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError_("Operation value must be a string")
        limited = field.custom and field.type_key and field.type_key.endswith(":textfield")
        if limited and len(value) > TEXT_LIMIT:
            raise ValueError_(
                "The entered text is too long. It exceeds the allowed limit of 255 characters."
            )
        return value or None
    if field.id == "labels":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError_("data was not an array")
        if any(" " in v for v in value):
            raise ValueError_("The label can't contain spaces.")
        return list(value)
    if field.id == "priority":
        ref = (
            value.get("id") or _priority_id(value.get("name")) if isinstance(value, dict) else None
        )
        if ref not in PRIORITIES:
            raise ValueError_(f"Priority with id '{ref}' does not exist.")
        return ref
    if kind == "user":
        name = value.get("name") if isinstance(value, dict) else None
        if name not in state.users:
            raise ValueError_(f"User '{name}' does not exist.")
        return name
    if field.schema.get("custom", "").endswith(":gh-sprint"):
        if isinstance(value, bool) or not isinstance(value, int) or value not in state.sprints:
            raise ValueError_(f"Sprint with id '{value}' does not exist.")
        return value
    raise ValueError_(f"Field '{field.id}' cannot be set through this simulator.")


def _priority_id(name: Any) -> str | None:
    return next((pid for pid, pname in PRIORITIES.items() if pname == name), None)


def apply_update_ops(field: Field, current: Any, ops: Any) -> Any:
    """Fold `update: {field: [{"set"|"add"|"remove": v}]}` into one value to validate."""
    if not isinstance(ops, list):
        raise ValueError_("data was not an array")
    value = current
    for op in ops:
        if not isinstance(op, dict) or len(op) != 1:
            raise ValueError_("Operation must be an object with exactly one of set, add, remove.")
        verb, arg = next(iter(op.items()))
        if verb == "set":
            value = arg
        elif verb in ("add", "remove") and field.schema.get("type") == "array":
            items = list(value or [])
            value = items + [arg] if verb == "add" else [v for v in items if v != arg]
        else:
            raise ValueError_(f"Field does not support update operation '{verb}'.")
    return value
