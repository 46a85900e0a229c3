"""End-to-end pieces for webhook tests: a real bridge under gunicorn that the simulator can
reach, webhook registration, and waits on runs and on the queue."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from redis import Redis
from rq.registry import StartedJobRegistry

from bridge.events import SUBSCRIBED_EVENTS
from tests.conftest import WEBHOOK_TOKEN, base_env
from tests.harness.processes import free_port, spawn_python, stop, wait_for_port
from worker.connection import get_queue
from worker.jira import JiraClient
from worker.services.webhook_registration import register
from worker.settings import JiraSettings
from worker.store import RunStore


class BridgeServer:
    """`syncback serve` (gunicorn) on a free port."""

    def __init__(
        self, redis_url: str, jira_url: str, log: Path, extra_env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **base_env(redis_url, jira_url),
            "SYNCBACK_PUBLIC_URL": self.url,
            "SYNCBACK_WEBHOOK_BOARD_CACHE_S": "0",  # tests change boards between deliveries
            **(extra_env or {}),
        }
        self.proc = spawn_python(
            ["-m", "bridge.cli", "serve", "--port", str(self.port)], env=env, log=log
        )
        wait_for_port(self.port, self.proc)

    def post(self, data: dict[str, Any] | bytes) -> int:
        kw = {"data": data} if isinstance(data, bytes) else {"json": data}
        url = f"{self.url}/webhooks/jira/{WEBHOOK_TOKEN}"
        return requests.post(url, timeout=10, **kw).status_code

    def stop(self) -> None:
        stop(self.proc)


def register_webhook(jira_url: str, bridge_url: str) -> None:
    client = JiraClient(JiraSettings(jira_url, token="demo-admin-token"))
    register(client, bridge_url, WEBHOOK_TOKEN, list(SUBSCRIBED_EVENTS))


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def idle(redis: Redis) -> bool:
    """Nothing queued and nothing running."""
    queue = get_queue(redis)
    return queue.count == 0 and StartedJobRegistry(queue=queue).count == 0


def settle(redis: Redis, quiet_s: float = 1.0, timeout: float = 60.0) -> None:
    """Wait until the queue stayed idle for `quiet_s` (late jobs had their chance)."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        if idle(redis):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_s:
                return
        else:
            quiet_since = None
        time.sleep(0.1)
    raise AssertionError("the queue never became idle")


def runs(redis: Redis, board_id: str = "shop") -> list[dict[str, Any]]:
    return RunStore(redis).history(board_id)


def finished_runs(redis: Redis, board_id: str = "shop") -> list[dict[str, Any]]:
    done = ("succeeded", "partial", "failed")
    return [r for r in runs(redis, board_id) if r["state"] in done]
