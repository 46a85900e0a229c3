"""Issue writes: one PUT per changed issue with all its changed fields, on a bounded pool.

A failed issue is reported (per issue, per field where Jira says which) and never stops the run.
`notifyUsers=false` needs (project) admin rights on Jira; a 403 is reported, and retried with
notifications only when the board's `notify_fallback` option is on (jira-server-api.md §4.1).
An issue in a workflow status that forbids edits (e.g. Closed) is skipped, not failed: see
`_not_editable`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from worker.jira import JiraClient, JiraError, JiraPermissionError, JiraValidationError
from worker.model import Options
from worker.services.sync_progress import Progress

log = logging.getLogger(__name__)

CANNOT_BE_SET = "cannot be set"
"""Jira's 400 for a field it will not take: "Field 'customfield_N' cannot be set. It is not on the
appropriate screen, or unknown." (jira-server-api.md §4.1). A non-editable workflow step answers
it for every field too."""

WRITE_ATTEMPTS = 4
"""Tries per issue on 5xx/transport errors (0.5 + 1 + 2 s of shared backoff) before the issue
is reported as failed and the run moves on; the next run re-reads Jira and writes it then."""

Changes = dict[str, tuple[Any, Any]]
"""field id -> (old value as Jira had it, new value to write)."""


class Pool:
    """A thread pool that blocks the producer once `concurrency * 2` tasks are in flight."""

    def __init__(self, concurrency: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="jira-write")
        self._slots = threading.BoundedSemaphore(concurrency * 2)
        self._errors: list[BaseException] = []

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        self._slots.acquire()
        future = self._pool.submit(fn, *args)
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        self._slots.release()
        exc = future.exception()
        if exc is not None:  # the task functions catch everything; this is a bug, keep it loud
            log.error("sync.task_crashed", exc_info=exc)
            self._errors.append(exc)

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        if self._errors and not cancel:
            raise self._errors[0]


def _put(jira: JiraClient, key: str, fields: dict[str, Any], options: Options) -> str | None:
    """PUT the fields; returns a note when notifications had to be sent after all."""
    try:
        jira.edit_issue(key, fields, notify_users=options.notify_users, attempts=WRITE_ATTEMPTS)
        return None
    except JiraPermissionError:
        if options.notify_users or not options.notify_fallback:
            raise
    jira.edit_issue(key, fields, notify_users=True, attempts=WRITE_ATTEMPTS)
    return "notifyUsers=false refused (403): written with notifications (notify_fallback)"


def write_issue(
    jira: JiraClient,
    progress: Progress,
    options: Options,
    key: str,
    changes: Changes,
    sources: dict[str, str],
    holds_values: bool = True,
    status: str | None = None,
) -> bool:
    """Write one issue's changed fields and record the outcome; True when written.

    `holds_values`: whether the issue keeps any of our values afterwards (tracked so the
    `out_of_scope: clear` policy knows which issues to clear once they leave the scope).
    `status`: the issue's workflow status name as last read, for the "not editable" message.
    """
    fields = {fid: new for fid, (_old, new) in changes.items()}
    try:
        note = _put(jira, key, fields, options)
    except JiraPermissionError as exc:
        if options.notify_users:
            hint = ""
        elif options.notify_fallback:
            hint = " (refused with notifications too: the user may not edit this issue)"
        else:
            hint = " (notifyUsers=false needs admin rights; see the notify_fallback option)"
        _fail(progress, key, None, exc.code, _message(exc) + hint)
        return False
    except JiraValidationError as exc:
        if _not_editable(jira, key, exc):
            where = f"in status {status}" if status else "in a workflow status"
            message = f"{key} is {where}, where Jira does not allow edits; skipped"
            progress.error(key, None, "not_editable", message)
            progress.count(skipped=1, done=1)
            return False
        if exc.errors:
            for fid, message in exc.errors.items():
                progress.error(key, fid, exc.code, message)
            progress.issue_failed(key)
            progress.count(failed=1, done=1)
        else:
            _fail(progress, key, None, exc.code, _message(exc))
        return False
    except JiraError as exc:
        _fail(progress, key, None, exc.code, _message(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - one issue must never stop the run
        log.exception("sync.write_crashed", extra={"issue": key})
        _fail(progress, key, None, "internal", exc.__class__.__name__)
        return False
    if note:
        progress.error(key, None, "notify_fallback", note)
    record = [
        {"issue": key, "field": fid, "source": sources.get(fid), "old": old, "new": new}
        for fid, (old, new) in changes.items()
    ]
    progress.changed(key, record, wrote_values=holds_values)
    progress.count(written=1, done=1)
    return True


def _not_editable(jira: JiraClient, key: str, exc: JiraValidationError) -> bool:
    """True when Jira refused every field as "cannot be set" and the issue's editmeta is empty.

    A workflow step with `jira.issue.editable=false` (Jira's Closed, by default) refuses every
    PUT with "cannot be set" and answers an empty editmeta (JRASERVER-63664,
    https://jira.atlassian.com/browse/JRASERVER-63664). An editmeta that lists fields, ours or
    not, means the issue is editable and our field is off its screen or misconfigured: that
    stays failed, with Jira's message, for the admin to fix. One extra GET, only for issues
    Jira refused this way.
    """
    messages = exc.error_messages + list(exc.errors.values())
    if not exc.errors or not all(CANNOT_BE_SET in m.lower() for m in messages):
        return False
    try:
        meta = jira.editmeta(key)
    except Exception as meta_exc:  # noqa: BLE001 - cannot tell: report Jira's refusal as it is
        log.info("sync.editmeta_failed", extra={"issue": key, "error": str(meta_exc)})
        return False
    return not meta


def _message(exc: JiraError) -> str:
    parts = exc.error_messages + [f"{k}: {v}" for k, v in exc.errors.items()]
    return "; ".join(parts) or str(exc)


def _fail(progress: Progress, key: str, field: str | None, code: str, message: str) -> None:
    progress.error(key, field, code, message)
    progress.issue_failed(key)
    progress.count(failed=1, done=1)
