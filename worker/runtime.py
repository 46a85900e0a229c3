"""What a job needs at run time: the Redis connection it runs on, a Jira client, the stores.

Jobs take ids, never payload snapshots, and build these here, after the fork, so nothing
(sessions, sockets) is shared between work horses.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from rq import get_current_job

from worker import settings as worker_settings
from worker.connection import connect
from worker.jira import JiraClient
from worker.store import BoardStore, RunStore, ScoreStore


@dataclass
class Runtime:
    redis: Redis
    settings: worker_settings.Settings

    @property
    def boards(self) -> BoardStore:
        return BoardStore(self.redis)

    @property
    def scores(self) -> ScoreStore:
        return ScoreStore(self.redis)

    @property
    def runs(self) -> RunStore:
        return RunStore(self.redis)

    def jira(self) -> JiraClient:
        return JiraClient(self.settings.jira)


def current() -> Runtime:
    """The runtime of the job being executed (its connection), or one built from settings."""
    settings = worker_settings.load()
    job = get_current_job()
    redis = job.connection if job is not None else connect(settings)
    return Runtime(redis=redis, settings=settings)
