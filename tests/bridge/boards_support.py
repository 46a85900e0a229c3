"""Helpers shared by the tests/bridge/test_boards*.py files: request shorthands and boards."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask.testing import FlaskClient
from redis import Redis

from worker.model import Board
from worker.store import BoardStore

SHOP = {
    "id": "shop",
    "name": "Shop roadmap",
    "emoji": "🛒",
    "jira_board_id": 1,
    "project_keys": ["SHOP"],
    "criteria": [
        {"id": "reach", "name": "Reach"},
        {"id": "effort", "name": "Effort", "weight": 0.5, "required": False},
    ],
}


class Api:
    """The JSON API as a machine calls it (bearer token)."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def call(self, method: str, path: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["json"] = body
        return self.client.open(path, method=method, **kwargs)

    def create(self, **overrides: Any) -> dict[str, Any]:
        response = self.call("POST", "/api/boards", {**SHOP, **overrides})
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def set_board(redis: Redis, board_id: str, **changes: Any) -> Board:
    """Change a stored board directly (to stage states the API reaches through Jira jobs)."""
    return BoardStore(redis).update(board_id, lambda b: dataclasses.replace(b, **changes))


def jira_fields(*rows: tuple[str, str, str | None]) -> list[dict[str, Any]]:
    """A refresh's `jira_fields` list from (id, name, kind) rows."""
    labels = {"number": "Number field", "string": "Text field (single line)"}
    return [
        {
            "id": i,
            "name": n,
            "kind": k,
            "type": labels.get(k or "", "type select"),
            "searchable": True,
        }
        for i, n, k in rows
    ]


def stored(redis: Redis, board_id: str) -> dict[str, Any]:
    return BoardStore(redis).get(board_id).to_dict()
