"""Shared fixtures: a real Redis per session (flushed per test), the app and its test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis as redis_lib
from flask import Flask
from flask.testing import FlaskClient

from bridge import create_app
from tests.harness.jira_sim import SimServer
from tests.harness.redis_server import RedisServer

API_TOKEN = "test-api-token-0123456789"
WEBHOOK_TOKEN = "test-webhook-token-0123456789"
SECRET_KEY = "test-secret-key-0123456789abcdef"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client().flushall()
    return redis_server.url


@pytest.fixture
def redis(redis_url: str) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(redis_url)


def base_env(redis_url: str, jira_url: str | None = None) -> dict[str, str]:
    env = {
        "REDIS_URL": redis_url,
        "SYNCBACK_API_TOKEN": API_TOKEN,
        "SYNCBACK_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
        "SYNCBACK_SECRET_KEY": SECRET_KEY,
        "SYNCBACK_PUBLIC_URL": "http://127.0.0.1:8000",
    }
    if jira_url:
        env.update({"JIRA_BASE_URL": jira_url, "JIRA_TOKEN": "demo-admin-token"})
    return env


@pytest.fixture
def app_env(redis_url: str) -> dict[str, str]:
    """The environment the app (and any worker process) is built from; tests may extend it."""
    return base_env(redis_url)


@pytest.fixture
def app(app_env: dict[str, str]) -> Flask:
    app = create_app({"TESTING": True}, env=app_env)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture(scope="session")
def jira_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimServer]:
    """One simulated Jira (10.3, demo data) per test session, over real HTTP."""
    server = SimServer(log_dir=tmp_path_factory.mktemp("jira_sim")).start()
    yield server
    server.stop()


@pytest.fixture
def jira(jira_sim: SimServer) -> SimServer:
    """The session simulator reset to the demo dataset: zero latency, no limits, no failures."""
    jira_sim.reset(dataset="demo")
    return jira_sim


@pytest.fixture
def worker(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A real `syncback worker` process on the test's Redis (and Jira, if app_env has one)."""
    from tests.harness.worker_process import WorkerProcess

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {"SYNCBACK_RUN_LEASE_S": "3", **app_env}
    proc = WorkerProcess(env, log=log).start()
    yield proc
    proc.stop()
