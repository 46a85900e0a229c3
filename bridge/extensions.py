"""Per-app resources kept in `app.extensions`: the Redis connection, the queue, the stores."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, jsonify, make_response, request
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from bridge.errors import error_body
from worker.connection import connect, get_queue, master_identity, replicate_acknowledged
from worker.settings import Settings
from worker.store import BoardStore, RunStore, ScoreStore

log = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Resources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: Redis = connect(settings)
        self.queue: Queue = get_queue(self.redis)
        self.boards = BoardStore(self.redis)
        self.scores = ScoreStore(self.redis)
        self.runs = RunStore(self.redis)


def init_app(app: Flask) -> None:
    res = Resources(app.config["SYNCBACK_SETTINGS"])
    app.extensions["syncback"] = res
    if res.settings.redis_sentinels:
        app.before_request(_note_master)
        app.after_request(_durable_ack)


def _note_master() -> None:
    """Remember which master a state-changing request starts on (see `_durable_ack`)."""
    if request.method not in SAFE_METHODS:
        try:
            g.redis_master = master_identity(resources().redis)
        except RedisError:
            g.redis_master = None


def _durable_ack(response: Response) -> Response:
    """With Sentinel, answer 2xx to a change only once a replica holds it.

    Replication is asynchronous: without this, a board, scores or a queued sync the API
    acknowledged could vanish in a failover. If the master changed during the request, or no
    replica confirms, the change may be lost: answer 503 so the client sends it again (every
    state-changing route is safe to repeat: PUTs replace, a repeated sync request joins the
    queued run, a repeated create answers 409 when the first one was kept).
    """
    if request.method in SAFE_METHODS or response.status_code >= 400:
        return response
    try:
        reached, master = replicate_acknowledged(resources().redis)
    except RedisError:
        reached, master = 0, None
    if reached >= 1 and master is not None and master == g.get("redis_master"):
        return response
    log.warning("redis.not-replicated", extra={"path": request.path, "replicas": reached})
    body = error_body(
        "unavailable",
        "Redis failed over while this change was being saved, so it may not have been kept; "
        "send it again.",
    )
    return make_response(jsonify(body), 503)


def resources() -> Resources:
    return current_app.extensions["syncback"]
