"""`syncback serve` in production mode: gunicorn with workers/threads from the environment,
liveness vs readiness over real HTTP while Redis goes away and comes back, clean SIGTERM."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest
import requests

from tests.conftest import base_env
from tests.harness.processes import ROOT, free_port, spawn_python, stop, wait_for_port
from tests.harness.redis_server import RedisServer

pytestmark = pytest.mark.slow


def _status(url: str) -> int:
    return requests.get(url, timeout=10).status_code


def _wait_status(url: str, want: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while _status(url) != want:
        assert time.monotonic() < deadline, f"{url} never answered {want}"
        time.sleep(0.1)


def test_gunicorn_workers_from_env_and_probes_follow_redis(tmp_path):
    redis = RedisServer(tmp_path / "redis").start()
    port = free_port()
    env = {**base_env(redis.url), "SYNCBACK_WEB_WORKERS": "3", "SYNCBACK_WEB_THREADS": "2"}
    bridge = spawn_python(["-m", "bridge.cli", "serve", "--port", str(port)], env, tmp_path / "b")
    base = f"http://127.0.0.1:{port}/api/health"
    try:
        wait_for_port(port, bridge)
        deadline = time.monotonic() + 20
        while len(psutil.Process(bridge.pid).children()) != 3:
            assert time.monotonic() < deadline, "gunicorn did not fork 3 workers"
            time.sleep(0.1)
        assert _status(f"{base}?probe=live") == 200
        assert _status(f"{base}?probe=ready") == 200
        assert requests.get(base, timeout=10).json()["redis"] == "ok"

        redis.stop()
        _wait_status(f"{base}?probe=ready", 503)
        assert _status(f"{base}?probe=live") == 200  # restarting the bridge would not help
        redis.start()  # same port: the bridge reconnects by itself
        _wait_status(f"{base}?probe=ready", 200)
    finally:
        stop(bridge)
        redis.stop()
    assert bridge.returncode == 0
    log = (tmp_path / "b").read_text()
    assert '"message": "bridge.start"' in log and '"workers": 3, "threads": 2' in log


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SYNCBACK_WEB_WORKERS": "0"}, "SYNCBACK_WEB_WORKERS: '0' is not a whole number >= 1"),
        ({"SYNCBACK_LOG_LEVEL": "chatty"}, "SYNCBACK_LOG_LEVEL: 'chatty' is not one of"),
        ({"SYNCBACK_METRICS_ALLOW": "10.0.0.0/33"}, "SYNCBACK_METRICS_ALLOW: '10.0.0.0/33'"),
        (None, "--workers: must be >= 1, got 0"),
    ],
)
def test_bad_settings_stop_serve_with_the_variable_named(env, message):
    args = ["--workers", "0"] if env is None else []
    proc = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "serve", "--port", str(free_port()), *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **base_env("redis://127.0.0.1:1/0"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
