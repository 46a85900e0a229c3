"""`syncback serve` without SYNCBACK_SECRET_KEY: every gunicorn worker signs with one key, so a
session (and its CSRF token) made by one worker stays valid on another worker, including one
gunicorn starts later (after a crash, a timeout or max_requests)."""

from __future__ import annotations

import re
import signal
import time

import psutil
import requests

from tests.conftest import base_env
from tests.harness.processes import free_port, spawn_python, stop, wait_for_port

WORKERS = 2


def _workers(pid: int, other_than: set[int] = frozenset()) -> set[int]:
    deadline = time.monotonic() + 20
    while True:
        pids = {p.pid for p in psutil.Process(pid).children()}
        if len(pids) == WORKERS and not pids & other_than:
            return pids
        assert time.monotonic() < deadline, f"gunicorn workers: {pids}"
        time.sleep(0.1)


def test_a_session_from_one_worker_is_valid_on_a_worker_started_later(redis_url, tmp_path):
    port = free_port()
    env = {**base_env(redis_url), "SYNCBACK_WEB_WORKERS": str(WORKERS)}
    del env["SYNCBACK_SECRET_KEY"]
    bridge = spawn_python(["-m", "bridge.cli", "serve", "--port", str(port)], env, tmp_path / "b")
    url = f"http://127.0.0.1:{port}/admin/login"
    try:
        wait_for_port(port, bridge)
        first = _workers(bridge.pid)
        form = requests.get(url, timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        for pid in first:  # gunicorn replaces every worker: new processes, new create_app()
            psutil.Process(pid).send_signal(signal.SIGKILL)
        _workers(bridge.pid, other_than=first)
        wait_for_port(port, bridge)
        answer = requests.post(
            url,
            data={"csrf_token": token, "method": "password", "username": "", "password": ""},
            cookies=form.cookies,
            timeout=10,
        )
        assert answer.status_code == 400
        assert "The login form expired" not in answer.text
        assert "Enter your username and password." in answer.text
    finally:
        stop(bridge)
