"""SimServer: the Jira simulator (tests/jira_sim) as a real process on a free loopback port."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import requests

from tests.harness.processes import free_port, spawn_python, stop, wait_for_port

ADMIN_TOKEN = "demo-admin-token"
DEV_TOKEN = "demo-dev-token"


class SimServer:
    """Start/stop the simulator and drive its control API (DESIGN.md §8)."""

    def __init__(
        self,
        version: str = "10.3",
        dataset: str = "demo",
        issues: int | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.version = version
        self.dataset = dataset
        self.issues = issues
        self.port = 0
        self.proc = None
        self.log = Path(log_dir or tempfile.mkdtemp(prefix="jira_sim_")) / "jira_sim.log"
        self.http = requests.Session()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SimServer:
        self.port = free_port()
        args = ["-m", "tests.jira_sim", "--port", str(self.port), "--version", self.version]
        args += ["--dataset", self.dataset]
        if self.issues is not None:
            args += ["--issues", str(self.issues)]
        self.proc = spawn_python(args, log=self.log)
        wait_for_port(self.port, self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        self.http.close()

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        response = self.http.request(method, self.url + path, timeout=30, **kw)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(
        self, dataset: str = "demo", issues: int | None = None, version: str | None = None
    ) -> None:
        """Fresh state (also clears latency, limits, failures, stats and webhooks)."""
        body = {"dataset": dataset, "issues": issues, "version": version or self.version}
        self._call("POST", "/_sim/reset", json=body)

    def configure(
        self,
        latency_ms: float = 0,
        rate_limit: dict[str, float] | None = None,
        fail: list[dict[str, Any]] | None = None,
    ) -> None:
        body = {"latency_ms": latency_ms, "rate_limit": rate_limit, "fail": fail or []}
        self._call("PUT", "/_sim/config", json=body)

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/stats")

    def close_sprint(self, sprint_id: int) -> dict[str, Any]:
        return self._call("POST", f"/_sim/sprints/{sprint_id}/close")

    def flush_webhooks(self) -> list[dict[str, Any]]:
        """Wait for queued webhook deliveries and return every delivery attempted so far."""
        return self._call("POST", "/_sim/webhooks/flush")["deliveries"]

    def admin(self, method: str, path: str, **kw: Any) -> requests.Response:
        """A REST call as the demo administrator (PAT); returns the raw response."""
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", **kw.pop("headers", {})}
        return self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def issue(self, key: str) -> dict[str, Any]:
        response = self.admin("GET", f"/rest/api/2/issue/{key}")
        response.raise_for_status()
        return response.json()

    def field(self, key: str, field_id: str) -> Any:
        response = self.admin("GET", f"/rest/api/2/issue/{key}", params={"fields": field_id})
        response.raise_for_status()
        return response.json()["fields"].get(field_id)
