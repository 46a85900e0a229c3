"""Board repository: one JSON document per board, plus a set of ids."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import WatchError

from worker.model import Board
from worker.settings import KEY_PREFIX

IDS_KEY = f"{KEY_PREFIX}:boards"


def board_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:board:{board_id}"


class BoardNotFoundError(LookupError):
    def __init__(self, board_id: str) -> None:
        super().__init__(f"no board {board_id!r}")
        self.board_id = board_id


class BoardExistsError(Exception):
    def __init__(self, board_id: str) -> None:
        super().__init__(f"board {board_id!r} already exists")
        self.board_id = board_id


class BoardStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def list(self) -> list[Board]:
        ids = sorted(i.decode() for i in self.redis.smembers(IDS_KEY))
        if not ids:
            return []
        raw = self.redis.mget([board_key(i) for i in ids])
        return [Board.from_dict(json.loads(r)) for r in raw if r]

    def get(self, board_id: str) -> Board:
        raw = self.redis.get(board_key(board_id))
        if raw is None:
            raise BoardNotFoundError(board_id)
        return Board.from_dict(json.loads(raw))

    def exists(self, board_id: str) -> bool:
        return bool(self.redis.exists(board_key(board_id)))

    def create(self, board: Board) -> Board:
        if not board.created_at:
            board = Board.from_dict(
                {**board.to_dict(), "created_at": datetime.now(UTC).isoformat()}
            )
        # SET NX makes two concurrent creates of one id end with exactly one winner.
        if not self.redis.set(board_key(board.id), json.dumps(board.to_dict()), nx=True):
            raise BoardExistsError(board.id)
        self.redis.sadd(IDS_KEY, board.id)
        return board

    def save(self, board: Board) -> Board:
        if not self.exists(board.id):
            raise BoardNotFoundError(board.id)
        self.redis.set(board_key(board.id), json.dumps(board.to_dict()))
        return board

    def update(self, board_id: str, change: Callable[[Board], Board]) -> Board:
        """Read-modify-write under WATCH, so concurrent updates never lose each other's change."""
        key = board_key(board_id)
        while True:
            with self.redis.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None:
                        raise BoardNotFoundError(board_id)
                    updated = change(Board.from_dict(json.loads(raw)))
                    pipe.multi()
                    pipe.set(key, json.dumps(updated.to_dict()))
                    pipe.execute()
                    return updated
                except WatchError:
                    continue

    def delete(self, board_id: str) -> None:
        if not self.redis.delete(board_key(board_id)):
            raise BoardNotFoundError(board_id)
        self.redis.srem(IDS_KEY, board_id)
