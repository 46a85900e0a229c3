"""Validate request bodies against the JSON Schemas in `bridge/schemas/`.

One pre-built validator per schema (≈70× faster than `jsonschema.validate`, rq-redis-flask.md §4),
with format checking on. Errors name the JSON path of every problem, sorted by path.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from bridge.errors import ValidationError

SCHEMA_DIR = Path(__file__).parent / "schemas"


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for `bridge/schemas/<name>.json` (name may contain a subfolder)."""
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, body: Any) -> list[dict[str, str]]:
    """Every problem with `body` as `{"path": "$.a[0].b", "message": ...}`, sorted by path."""
    errors = sorted(validator(name).iter_errors(body), key=lambda e: (e.json_path, e.message))
    return [{"path": e.json_path, "message": e.message} for e in errors]


def validate(name: str, body: Any) -> Any:
    """Return `body` if valid; else raise ValidationError (400) listing every problem."""
    found = problems(name, body)
    if found:
        raise ValidationError.from_problems(found)
    return body


def json_body() -> Any:
    """The request's JSON body, or a 400 that says why it is not JSON."""
    from flask import request

    if not request.is_json:
        raise ValidationError(
            "expected a JSON body (Content-Type: application/json)",
            details=[{"path": "$", "message": "body is not JSON"}],
        )
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # [[[[... deeper than Python's parser goes: bad input, not a 500
        raise ValidationError(
            "the body nests too deeply", details=[{"path": "$", "message": "nested too deeply"}]
        ) from None
    if body is None:
        raise ValidationError(
            "the body is not valid JSON", details=[{"path": "$", "message": "malformed JSON"}]
        )
    return body
