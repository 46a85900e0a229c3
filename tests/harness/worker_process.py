"""A real `syncback worker` process (RQ worker + scheduler) for end-to-end tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psutil
import redis as redis_lib

from tests.harness.processes import spawn_python, stop


class WorkerProcess:
    """`python -m bridge.cli worker` with the given environment; its log goes to `log`."""

    def __init__(self, env: dict[str, str], log: Path | None = None) -> None:
        self.env = dict(env)
        self.log = log
        self.name = f"test-worker-{uuid.uuid4().hex[:8]}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> WorkerProcess:
        self.proc = spawn_python(
            ["-m", "bridge.cli", "worker", "--name", self.name], env=self.env, log=self.log
        )
        conn = redis_lib.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        # Ready once RQ registered the worker (it then listens on the queue).
        while not conn.exists(f"rq:worker:{self.name}"):
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker not registered after {timeout}s; see {self.log}")
            time.sleep(0.05)
        return self

    def processes(self) -> list[psutil.Process]:
        """The worker and its work horses (which RQ puts in their own process group)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill(self) -> None:
        """SIGKILL the worker and any running job at once: no cleanup code runs."""
        procs = self.processes()
        for p in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            horses = self.processes()[1:]
            stop(self.proc, timeout=5)  # warm shutdown waits for a running job; tests do not
            for p in horses:
                with contextlib.suppress(psutil.NoSuchProcess):
                    p.kill()
            self.proc = None
