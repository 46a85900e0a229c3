"""GET/POST /rest/api/2/field: the field list and custom field creation (admin only, §2)."""

from __future__ import annotations

from typing import Any

from tests.jira_sim.auth import require_admin
from tests.jira_sim.dataset import CT, custom_field
from tests.jira_sim.routing import Routes
from tests.jira_sim.state import Field
from tests.jira_sim.web import JiraHttpError, Request, Response, json_response

routes = Routes()

# Valid type -> searchers (jira-server-api.md §2.2); anything else is refused with 400.
SEARCHERS: dict[str, set[str]] = {
    CT + "float": {CT + "exactnumber", CT + "numberrange"},
    CT + "textfield": {CT + "textsearcher"},
    CT + "textarea": {CT + "textsearcher"},
    CT + "url": {CT + "exacttextsearcher"},
    CT + "datepicker": {CT + "daterange"},
    CT + "datetime": {CT + "datetimerange"},
    CT + "select": {CT + "multiselectsearcher"},
    CT + "labels": {CT + "labelsearcher"},
}
_ALLOWED_KEYS = {"name", "description", "type", "searcherKey", "projectIds", "issueTypeIds"}


def field_bean(field: Field) -> dict[str, Any]:
    """FieldBean as GET /field lists it."""
    return {
        "id": field.id,
        "name": field.name,
        "custom": field.custom,
        "orderable": True,
        "navigable": True,
        "searchable": field.searchable,
        "clauseNames": field.clause_names(),
        "schema": dict(field.schema),
    }


@routes.get("/rest/api/2/field")
def list_fields(sim: Any, request: Request) -> Response:
    # A bare array, although the spec types it as one FieldBean (reference §9).
    """All fields, as a bare array."""
    with sim.lock:
        beans = [field_bean(f) for f in sim.state.fields.values()]
    return json_response(beans)


@routes.post("/rest/api/2/field")
def create_field(sim: Any, request: Request) -> Response:
    """Create a custom field (administrators only)."""
    require_admin(request)
    body = request.json_object()
    unknown = sorted(set(body) - _ALLOWED_KEYS)
    if unknown:
        # Jackson refuses unknown properties of CustomFieldDefinitionJsonBean (§2.2 pitfall).
        raise JiraHttpError(
            400,
            f'Unrecognized field "{unknown[0]}" (Class com.atlassian.jira.rest.v2.issue.'
            "customfield.CustomFieldDefinitionJsonBean), not marked as ignorable",
        )
    errors: dict[str, str] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "You must specify a name for the custom field."
    elif len(name) > 255:
        errors["name"] = "The custom field name must be less than 255 characters."
    type_key = body.get("type")
    searcher = body.get("searcherKey")
    if type_key not in SEARCHERS:
        errors["type"] = f"Invalid custom field type '{type_key}'."
    elif searcher is not None and searcher not in SEARCHERS[type_key]:
        errors["searcherKey"] = (
            f"Searcher '{searcher}' is not valid for custom field type '{type_key}'."
        )
    description = body.get("description") or ""
    if not isinstance(description, str):
        errors["description"] = "The description must be a string."
    if errors:
        raise JiraHttpError(400, errors=errors)
    with sim.lock:
        state = sim.state
        number = state.next_field_number
        state.next_field_number += 1
        field = custom_field(number, name.strip(), type_key, searcher, description)
        state.fields[field.id] = field
        bean = field_bean(field)
    return json_response(bean, 201)
