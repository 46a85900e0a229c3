"""Sync-run repository: a hash per run (state, progress, counts), lists of errors and changes.

Progress and counts are hash fields updated with HINCRBY so several threads of one run, and the
panel reading them, never race on a read-modify-write.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from redis.exceptions import WatchError

from worker.settings import KEY_PREFIX

COUNTS = ("in_scope", "written", "unchanged", "skipped", "failed")
HISTORY_LIMIT = 200
"""Runs kept per board; older ones (and their change lists) are dropped."""


def run_key(run_id: str) -> str:
    return f"{KEY_PREFIX}:run:{run_id}"


def errors_key(run_id: str) -> str:
    return f"{run_key(run_id)}:errors"


def changes_key(run_id: str) -> str:
    return f"{run_key(run_id)}:changes"


def all_keys(run_id: str) -> tuple[str, str, str]:
    """The run's hash and its error and change lists: what deleting a run deletes."""
    return run_key(run_id), errors_key(run_id), changes_key(run_id)


def count_field(name: str) -> str:
    """The run-hash field of a progress (`done`, `total`) or count (`count:<name>`) delta."""
    return name if name in ("done", "total") else f"count:{name}"


def history_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:runs:{board_id}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


class RunNotFoundError(LookupError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"no sync run {run_id!r}")
        self.run_id = run_id


def _encode(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return json.dumps(value) if isinstance(value, dict | list) else value


class RunStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def create(
        self,
        board_id: str,
        trigger: str,
        dry_run: bool = False,
        reverts: str | None = None,
        run_id: str | None = None,
    ) -> str:
        run_id = run_id or new_run_id()
        created = now_iso()
        fields: dict[str, Any] = {
            "id": run_id,
            "board": board_id,
            "trigger": trigger,
            "dry_run": int(dry_run),
            "state": "queued",
            "created_at": created,
            "done": 0,
            "total": 0,
        }
        if reverts:
            fields["reverts"] = reverts
        fields.update({count_field(c): 0 for c in COUNTS})
        ts = datetime.now(UTC).timestamp()
        with self.redis.pipeline() as pipe:
            pipe.hset(run_key(run_id), mapping=fields)
            pipe.zadd(history_key(board_id), {run_id: ts})
            pipe.execute()
        self._trim(board_id)
        return run_id

    def _trim(self, board_id: str) -> None:
        old = self.redis.zrange(history_key(board_id), 0, -HISTORY_LIMIT - 1)
        if not old:
            return
        with self.redis.pipeline() as pipe:
            for rid in old:
                rid = rid.decode()
                pipe.delete(*all_keys(rid))
            pipe.zrem(history_key(board_id), *old)
            pipe.execute()

    def set(self, run_id: str, **fields: Any) -> None:
        self.redis.hset(run_key(run_id), mapping={k: _encode(v) for k, v in fields.items()})

    def transition(self, run_id: str, expected: tuple[str, ...], **fields: Any) -> bool:
        """Set fields only if the run's state is one of `expected` (atomic); True if done."""
        key = run_key(run_id)
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    state = pipe.hget(key, "state")
                    if state is None or state.decode() not in expected:
                        pipe.unwatch()
                        return False
                    pipe.multi()
                    pipe.hset(key, mapping={k: _encode(v) for k, v in fields.items()})
                    pipe.execute()
                    return True
                except WatchError:
                    continue

    def state(self, run_id: str) -> str | None:
        raw = self.redis.hget(run_key(run_id), "state")
        return raw.decode() if raw else None

    def add_changes(self, run_id: str, changes: list[dict[str, Any]]) -> None:
        if changes:
            self.redis.rpush(changes_key(run_id), *(json.dumps(c) for c in changes))

    def _items(self, key: str, limit: int | None) -> list[dict[str, Any]]:
        if limit == 0:
            return []
        stop = -1 if limit is None else limit - 1
        return [json.loads(item) for item in self.redis.lrange(key, 0, stop)]

    def errors(self, run_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        return self._items(errors_key(run_id), limit)

    def changes(self, run_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        return self._items(changes_key(run_id), limit)

    def detail_counts(self, run_id: str) -> dict[str, int]:
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.llen(errors_key(run_id))
            pipe.llen(changes_key(run_id))
            errors, changes = pipe.execute()
        return {"errors": int(errors), "changes": int(changes)}

    def exists(self, run_id: str) -> bool:
        return bool(self.redis.exists(run_key(run_id)))

    def get(self, run_id: str, details: bool = True, limit: int | None = None) -> dict[str, Any]:
        """The run read of DESIGN §5; `limit` caps the errors and changes lists returned."""
        raw = {k.decode(): v.decode() for k, v in self.redis.hgetall(run_key(run_id)).items()}
        if not raw:
            raise RunNotFoundError(run_id)
        run: dict[str, Any] = {
            "id": raw["id"],
            "board": raw["board"],
            "trigger": raw["trigger"],
            "dry_run": raw.get("dry_run") == "1",
            "state": raw["state"],
            "progress": {"done": int(raw.get("done", 0)), "total": int(raw.get("total", 0))},
            "counts": {c: int(raw.get(count_field(c), 0)) for c in COUNTS},
        }
        for key in (
            "created_at",
            "started_at",
            "finished_at",
            "job_id",
            "reverts",
            "message",
            "slot",
            "followed_by",
        ):
            if key in raw:
                run[key] = raw[key]
        if "summary" in raw:
            run["summary"] = json.loads(raw["summary"])
        if details:
            run["errors"] = self.errors(run_id, limit)
            run["changes"] = self.changes(run_id, limit)
        return run

    def history(self, board_id: str, limit: int = 50) -> list[dict[str, Any]]:
        ids = self.redis.zrevrange(history_key(board_id), 0, limit - 1)
        runs = []
        for rid in ids:
            try:
                runs.append(self.get(rid.decode(), details=False))
            except RunNotFoundError:
                continue
        return runs

    def history_fields(self, board_id: str, *names: str) -> list[tuple[str, list[bytes | None]]]:
        """The named hash fields (raw) of every run in the board's history, in one round trip."""
        ids = [r.decode() for r in self.redis.zrange(history_key(board_id), 0, -1)]
        with self.redis.pipeline(transaction=False) as pipe:
            for run_id in ids:
                pipe.hmget(run_key(run_id), *names)
            rows = pipe.execute()
        return list(zip(ids, rows, strict=True))

    def latest(self, board_id: str) -> dict[str, Any] | None:
        runs = self.history(board_id, limit=1)
        return runs[0] if runs else None

    def delete_board(self, board_id: str) -> None:
        """Drop the board's runs and its sync bookkeeping (queued pointers, lock, slots, the
        issues it wrote to; key names from worker.services.sync_requests / run_lock / sync)."""
        for rid in self.redis.zrange(history_key(board_id), 0, -1):
            rid = rid.decode()
            self.redis.delete(*all_keys(rid))
        self.redis.delete(history_key(board_id))
        sync = [f"{KEY_PREFIX}:sync-{k}:{board_id}" for k in ("lock", "touched")]
        sync += [f"{KEY_PREFIX}:sync-queued:{board_id}:{d}" for d in (0, 1)]
        sync += self.redis.scan_iter(match=f"{KEY_PREFIX}:sync-slot:{board_id}:*", count=1000)
        self.redis.delete(*sync)
