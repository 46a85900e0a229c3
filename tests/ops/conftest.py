"""Ops fixtures: real `syncback worker` / `syncback serve` processes with captured output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness.processes import spawn_python


def run_worker_burst(env: dict[str, str], log: Path, timeout: float = 60.0) -> str:
    """Run `syncback worker --burst` as a real process until the queue is empty; its output."""
    proc = spawn_python(["-m", "bridge.cli", "worker", "--burst"], env=env, log=log)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    output = log.read_text()
    assert proc.returncode == 0, output
    return output


@pytest.fixture
def ops_log(tmp_path: Path) -> Path:
    return tmp_path / "process.log"
