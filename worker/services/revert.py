"""Revert a run: put back the old values of its changes, unless someone changed them since.

Each changed issue is re-read first; a field whose value is no longer what the run wrote is left
alone and reported (code `changed_since`), so a revert never overwrites a person's later edit.
"""

from __future__ import annotations

from typing import Any

from redis import Redis

from worker.jira import JiraClient, JiraError
from worker.model import source_type
from worker.services.sync_progress import Progress
from worker.services.sync_values import same, status_name
from worker.services.sync_writer import Pool, write_issue
from worker.store import BoardNotFoundError, BoardStore, RunStore


class RevertError(Exception):
    """The run cannot be reverted (dry run, unknown run)."""


def _kind(change: dict[str, Any]) -> str:
    if change.get("source"):
        try:
            return source_type(change["source"])
        except KeyError:
            pass
    value = change.get("new") if change.get("new") is not None else change.get("old")
    return "string" if isinstance(value, str) else "number"


def execute(redis: Redis, run: dict[str, Any], jira: JiraClient, progress: Progress) -> dict:
    """Revert `run["reverts"]`; returns a summary."""
    runs = RunStore(redis)
    original = runs.get(run["reverts"], details=False)
    if original["dry_run"]:
        raise RevertError("a dry run wrote nothing, so there is nothing to revert")
    by_issue: dict[str, dict[str, dict[str, Any]]] = {}
    for change in runs.changes(run["reverts"]):
        fields = by_issue.setdefault(change["issue"], {})
        if change["field"] in fields:  # written twice in one run: keep the first old value
            fields[change["field"]]["new"] = change["new"]
        else:
            fields[change["field"]] = dict(change)
    runs.set(run["id"], total=len(by_issue))
    try:
        options = BoardStore(redis).get(run["board"]).options
    except BoardNotFoundError:
        raise RevertError(f"board {run['board']!r} no longer exists") from None
    pool = Pool(max(1, jira.settings.concurrency))
    for key, fields in by_issue.items():
        pool.submit(_revert_issue, jira, progress, options, key, fields)
    pool.close()
    return {"reverts": run["reverts"], "issues": len(by_issue)}


def _revert_issue(
    jira: JiraClient, progress: Progress, options: Any, key: str, fields: dict[str, dict]
) -> None:
    progress.count(in_scope=1)
    try:
        current = jira.get_issue(key, fields=[*fields, "status"]).get("fields") or {}
    except JiraError as exc:
        progress.error(key, None, exc.code, f"could not re-read the issue: {exc}")
        progress.issue_failed(key)
        progress.count(failed=1, done=1)
        return
    changes, sources, kept = {}, {}, 0
    for fid, change in fields.items():
        now, kind = current.get(fid), _kind(change)
        if same(now, change["old"], kind):
            continue  # already back at the old value (e.g. reverted before)
        if same(now, change["new"], kind):
            changes[fid] = (now, change["old"])
            sources[fid] = change.get("source")
        else:
            kept += 1
            progress.error(
                key,
                fid,
                "changed_since",
                f"changed since the run (now {now!r}, the run wrote {change['new']!r}): kept",
            )
    if not changes:
        progress.count(**({"skipped": 1} if kept else {"unchanged": 1}), done=1)
        return
    write_issue(jira, progress, options, key, changes, sources, status=status_name(current))
