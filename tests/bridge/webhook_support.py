"""Shared by the webhook tests: payload files, signing, a board on sprint_end, queue reads."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from redis import Redis

from tests.conftest import WEBHOOK_TOKEN
from worker.connection import get_queue
from worker.model import Board, Schedule, SyncField
from worker.store import BoardStore

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"
URL = f"/webhooks/jira/{WEBHOOK_TOKEN}"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


def sign(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def queued(redis: Redis) -> list[tuple[str, list[Any]]]:
    """(function name, args) of every job waiting in the syncback queue."""
    return [(job.func_name, list(job.args)) for job in get_queue(redis).get_jobs()]


def make_board(
    redis: Redis,
    board_id: str = "shop",
    jira_board_id: int = 1,
    schedule: Schedule | None = None,
    active: bool = True,
    project_keys: tuple[str, ...] = ("SHOP",),
    fields: tuple[SyncField, ...] | None = None,
) -> Board:
    """A board as the admin API would leave it after mapping and activation."""
    board = Board(
        id=board_id,
        name="Shop",
        emoji="🛒",
        jira_board_id=jira_board_id,
        project_keys=project_keys,
        fields=fields
        if fields is not None
        else (SyncField("priority", "Business Value", "customfield_10100"),),
        active=active,
        schedule=schedule or Schedule(mode="sprint_end"),
    )
    return BoardStore(redis).create(board)
