"""Processes for the webhook benchmark: Redis, `syncback serve`, and the bare 204 server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import redis as redis_lib

from bridge.serve import web_threads, web_workers
from tests.harness.processes import free_port, spawn_python, stop, wait_for_port
from tests.harness.redis_server import RedisServer
from worker.model import Board, SyncField
from worker.store import BoardStore


@dataclass
class Servers:
    redis: RedisServer
    bridge_port: int
    bare_port: int
    procs: list[Popen] = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    @property
    def redis_url(self) -> str:
        return self.redis.url

    def stop(self) -> None:
        for proc in self.procs:
            stop(proc)
        self.redis.stop()


def start_servers(tmp: Path, token: str) -> Servers:
    redis = RedisServer(tmp / "redis").start()
    BoardStore(redis_lib.Redis.from_url(redis.url)).create(
        Board(
            id="shop",
            name="Shop",
            emoji="S",
            jira_board_id=1,
            project_keys=("SHOP",),
            fields=(SyncField("priority", "Business Value", "customfield_10100"),),
            active=True,
        )
    )
    env = {
        "REDIS_URL": redis.url,
        "SYNCBACK_WEBHOOK_TOKEN": token,
        "SYNCBACK_SECRET_KEY": "bench-secret-key-0123456789abcdef",
    }
    servers = Servers(redis, free_port(), free_port())
    servers.settings = {
        "workers": web_workers(env),
        "threads": web_threads(env),
        "class": "gthread",
    }
    bridge = spawn_python(
        ["-m", "bridge.cli", "serve", "--port", str(servers.bridge_port)],
        env=env,
        log=tmp / "bridge.log",
    )
    bare = spawn_python(
        ["-m", "tests.bench.webhooks", "--serve-bare", str(servers.bare_port)],
        env=env,
        log=tmp / "bare.log",
    )
    servers.procs = [bridge, bare]
    try:
        wait_for_port(servers.bridge_port, bridge)
        wait_for_port(servers.bare_port, bare)
    except Exception:
        servers.stop()
        raise
    return servers
