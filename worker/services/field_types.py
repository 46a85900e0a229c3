"""Which Jira custom field types can receive which sync source type (DESIGN §3).

A number source needs a "Number field" (`schema.type` number, custom type `...:float`); a string
source needs a "Text field (single line)" (`...:textfield`). Anything else is refused, with the
type named, instead of failing later on every issue (jira-server-api.md §2.1).
"""

from __future__ import annotations

from typing import Any

PLUGIN = "com.atlassian.jira.plugin.system.customfieldtypes"
JIRA_TYPES = {
    "number": (f"{PLUGIN}:float", f"{PLUGIN}:exactnumber"),
    "string": (f"{PLUGIN}:textfield", f"{PLUGIN}:textsearcher"),
}
"""What a field is created with: (type key, searcher key) per source type."""

TYPE_LABELS = {
    "number": "Number field",
    "string": "Text field (single line)",
}


def field_kind(jira_field: dict[str, Any]) -> str | None:
    """'number', 'string' or None (not a type we can write) for a FieldBean."""
    schema = jira_field.get("schema") or {}
    custom = schema.get("custom") or ""
    if schema.get("type") == "number" and custom == JIRA_TYPES["number"][0]:
        return "number"
    if schema.get("type") == "string" and custom == JIRA_TYPES["string"][0]:
        return "string"
    return None


def describe(jira_field: dict[str, Any]) -> str:
    """A person-readable type of a FieldBean, e.g. 'Number field' or 'custom type ...:select'."""
    kind = field_kind(jira_field)
    if kind:
        return TYPE_LABELS[kind]
    schema = jira_field.get("schema") or {}
    return f"type {schema.get('custom') or schema.get('system') or schema.get('type') or '?'}"


def summary(jira_field: dict[str, Any]) -> dict[str, Any]:
    """The part of a FieldBean the bridge keeps (on the board, from the last refresh)."""
    return {
        "id": jira_field["id"],
        "name": jira_field.get("name", ""),
        "kind": field_kind(jira_field),
        "type": describe(jira_field),
        "searchable": bool(jira_field.get("searchable", False)),
    }
