"""Score repository: one Redis hash per board, issue key -> JSON score record."""

from __future__ import annotations

import json
from collections.abc import Iterable

from redis import Redis

from worker.model import Score
from worker.settings import KEY_PREFIX


def scores_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:scores:{board_id}"


class ScoreStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def all(self, board_id: str) -> dict[str, Score]:
        raw = self.redis.hgetall(scores_key(board_id))
        return {k.decode(): Score.from_dict(json.loads(v)) for k, v in raw.items()}

    def get(self, board_id: str, issue: str) -> Score | None:
        raw = self.redis.hget(scores_key(board_id), issue)
        return Score.from_dict(json.loads(raw)) if raw else None

    def count(self, board_id: str) -> int:
        return int(self.redis.hlen(scores_key(board_id)))

    def put(self, board_id: str, scores: Iterable[Score], replace: bool = False) -> int:
        """Merge (or, with replace, swap in) scores atomically; returns how many were written."""
        mapping = {s.issue: json.dumps(s.to_dict()) for s in scores}
        key = scores_key(board_id)
        with self.redis.pipeline(transaction=True) as pipe:
            if replace:
                pipe.delete(key)
            if mapping:
                pipe.hset(key, mapping=mapping)
            pipe.execute()
        return len(mapping)

    def delete_issue(self, board_id: str, issue: str) -> bool:
        return bool(self.redis.hdel(scores_key(board_id), issue))

    def delete_board(self, board_id: str) -> None:
        self.redis.delete(scores_key(board_id))
