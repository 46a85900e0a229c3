"""Per-app resources kept in `app.extensions`: the Redis connection, the queue, the stores."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue

from worker.connection import connect, get_queue
from worker.settings import Settings
from worker.store import BoardStore, RunStore, ScoreStore


class Resources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: Redis = connect(settings)
        self.queue: Queue = get_queue(self.redis)
        self.boards = BoardStore(self.redis)
        self.scores = ScoreStore(self.redis)
        self.runs = RunStore(self.redis)


def init_app(app: Flask) -> None:
    app.extensions["syncback"] = Resources(app.config["SYNCBACK_SETTINGS"])


def resources() -> Resources:
    return current_app.extensions["syncback"]
