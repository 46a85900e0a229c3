"""RQ entry points of sync runs (a revert is a run with trigger `revert`)."""

from __future__ import annotations

from typing import Any

from worker import runtime
from worker.runner import shutdown_requested
from worker.services import sync


def run_sync(run_id: str) -> dict[str, Any]:
    """Execute the queued run `run_id` (made by `request_sync` or `request_revert`)."""
    rt = runtime.current()
    return sync.execute(rt.redis, run_id, rt.jira, should_stop=shutdown_requested)
