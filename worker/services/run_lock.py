"""Board locks and run leases: one run per board at a time, and no run `running` forever.

- The *request mutex* (short, per board) serialises "join the queued run or create one" so two
  bridges or schedulers deciding at once end with one run.
- The *board lock* holds the id of the run working on the board; it expires unless renewed, so a
  SIGKILLed worker frees the board after at most one lease.
- The *run lease* is renewed by a heartbeat thread while the job lives; a run marked active whose
  lease has expired belonged to a dead worker and is failed by `sync_requests.recover_stale`.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis

from worker.settings import KEY_PREFIX

LEASE_ENV = "SYNCBACK_RUN_LEASE_S"
"""Seconds a run's lease (and its board lock) lives without a heartbeat; default 30."""

ACTIVE_KEY = f"{KEY_PREFIX}:runs:active"
"""Set of run ids whose job has started and not finished (checked for expired leases)."""

# Compare-and-renew / compare-and-delete: only the holder may extend or free the lock.
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


def lease_seconds() -> float:
    raw = os.environ.get(LEASE_ENV, "")
    try:
        return max(1.0, float(raw)) if raw else 30.0
    except ValueError:
        return 30.0


def mutex_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:sync-mutex:{board_id}"


def lock_key(board_id: str) -> str:
    return f"{KEY_PREFIX}:sync-lock:{board_id}"


def lease_key(run_id: str) -> str:
    return f"{KEY_PREFIX}:run:{run_id}:lease"


@contextmanager
def board_mutex(redis: Redis, board_id: str, hold_s: float = 10.0) -> Iterator[None]:
    """Short critical section per board (SET NX PX with a token; expires if the holder dies)."""
    token = uuid.uuid4().hex
    key = mutex_key(board_id)
    deadline = time.monotonic() + 30.0
    while not redis.set(key, token, nx=True, px=int(hold_s * 1000)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"board {board_id!r}: sync request mutex busy for 30 s")
        time.sleep(0.01)
    try:
        yield
    finally:
        redis.eval(_RELEASE, 1, key, token)


def try_lock_board(redis: Redis, board_id: str, run_id: str) -> bool:
    """Take the board for this run (or confirm it already has it)."""
    px = int(lease_seconds() * 1000)
    if redis.set(lock_key(board_id), run_id, nx=True, px=px):
        return True
    return bool(redis.eval(_RENEW, 1, lock_key(board_id), run_id, px))


def release_board(redis: Redis, board_id: str, run_id: str) -> None:
    redis.eval(_RELEASE, 1, lock_key(board_id), run_id)


def lock_holder(redis: Redis, board_id: str) -> str | None:
    raw = redis.get(lock_key(board_id))
    return raw.decode() if raw else None


def touch_lease(redis: Redis, run_id: str) -> None:
    redis.set(lease_key(run_id), "1", px=int(lease_seconds() * 1000))


def lease_alive(redis: Redis, run_id: str) -> bool:
    return bool(redis.exists(lease_key(run_id)))


class Heartbeat:
    """Renews the run's lease, and its board lock once held, until stopped."""

    def __init__(self, redis: Redis, board_id: str, run_id: str) -> None:
        self.redis, self.board_id, self.run_id = redis, board_id, run_id
        self.holds_lock = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        touch_lease(self.redis, self.run_id)
        self.redis.sadd(ACTIVE_KEY, self.run_id)
        self._thread.start()
        return self

    def _loop(self) -> None:
        interval = lease_seconds() / 4
        while not self._stop.wait(interval):
            try:
                touch_lease(self.redis, self.run_id)
                if self.holds_lock:
                    px = int(lease_seconds() * 1000)
                    self.redis.eval(_RENEW, 1, lock_key(self.board_id), self.run_id, px)
            except Exception:  # noqa: BLE001 - a Redis blip must not kill the run; next beat retries
                continue

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with self.redis.pipeline() as pipe:
            pipe.delete(lease_key(self.run_id))
            pipe.srem(ACTIVE_KEY, self.run_id)
            pipe.execute()
        if self.holds_lock:
            release_board(self.redis, self.board_id, self.run_id)
