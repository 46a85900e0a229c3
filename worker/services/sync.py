"""The sync run of DESIGN §4: lock the board, stream Jira's current values, write what differs.

Memory stays flat with the board's size: search pages are consumed as they arrive (one page is
prefetched while the previous one is diffed and written), writes go through a bounded pool, and
progress, errors and changes are flushed to Redis as the run goes.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from redis import Redis

from worker import telemetry
from worker.jira import JiraClient
from worker.model import Board
from worker.services import revert, run_lock
from worker.services.sync_progress import Progress
from worker.services.sync_requests import mark_started, recover_stale, request_sync
from worker.services.sync_values import FieldPlan, desired_table, diff, status_name
from worker.services.sync_writer import Pool, write_issue
from worker.settings import KEY_PREFIX
from worker.store import BoardStore, RunStore
from worker.store.runs import now_iso

log = logging.getLogger(__name__)
LOCK_POLL_S = 0.2


class SyncError(Exception):
    """The run cannot proceed at all (no mapped fields, inactive board, search refused)."""


class Interrupted(Exception):
    """The worker is shutting down: stop reading, let writes in flight finish."""


def touched_key(board_id: str) -> str:
    """Issues that hold values written by this board (for `out_of_scope: clear`)."""
    return f"{KEY_PREFIX}:sync-touched:{board_id}"


def execute(
    redis: Redis,
    run_id: str,
    jira_factory: Callable[[], JiraClient],
    should_stop: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    """Run one queued run (sync or revert) to its end; returns the run's final read.

    `should_stop` turns true on a warm worker shutdown: a sync then stops early (writes in
    flight finish), ends `failed` with a message, and queues a new run to finish the board.
    """
    runs = RunStore(redis)
    run = runs.get(run_id, details=False)
    board_id = run["board"]
    recover_stale(redis, board_id)
    if run["state"] != "queued":
        return {"run_id": run_id, "state": run["state"], "note": "run was not queued"}
    with run_lock.Heartbeat(redis, board_id, run_id) as beat:
        while not run_lock.try_lock_board(redis, board_id, run_id):
            if runs.state(run_id) != "queued":
                return runs.get(run_id, details=False)
            time.sleep(LOCK_POLL_S)
        beat.holds_lock = True
        if not mark_started(redis, board_id, run_id, run["dry_run"]):
            return runs.get(run_id, details=False)
        progress = Progress(redis, run_id, None if run["dry_run"] else touched_key(board_id))
        state, message, summary = "succeeded", None, {}
        started, jira, interrupted = time.monotonic(), None, False
        try:
            jira = jira_factory()
            if run["trigger"] == "revert":
                summary = revert.execute(redis, run, jira, progress)
            else:
                summary = _sync(redis, run, jira, progress, should_stop)
            if progress.failed_issues:
                state = "partial"
        except Interrupted:
            interrupted, state = True, "failed"
            message = "stopped early by a worker shutdown; a new run was queued to finish"
        except Exception as exc:  # noqa: BLE001 - the run must end in a state, whatever happened
            log.exception("sync.failed", extra={"run_id": run_id, "board_id": board_id})
            state, message = "failed", str(exc) or exc.__class__.__name__
        finally:
            progress.flush()
        fields: dict[str, Any] = {"state": state, "finished_at": now_iso(), "summary": summary}
        if interrupted:
            # Queued before the final state is written, so a reader who sees this run end
            # also sees the run that finishes it (that run's worker waits for the board lock).
            try:
                follow = request_sync(redis, board_id, run["trigger"], dry_run=run["dry_run"])
                fields["followed_by"] = follow.run_id
            except Exception:  # noqa: BLE001 - the run must still end; the next sync catches up
                log.exception("sync.follow_failed", extra={"run_id": run_id})
                message = "stopped early by a worker shutdown; queueing a new run failed"
        fields["message"] = message or ""
        # "failed" too: a stalled (not dead) worker may have been declared dead meanwhile.
        runs.transition(run_id, ("running", "failed"), **fields)
    final = runs.get(run_id, details=False)
    _record_metrics(redis, final, jira, time.monotonic() - started)
    return final


def _record_metrics(redis: Redis, run: dict, jira: JiraClient | None, seconds: float) -> None:
    """The run's outcome for /metrics (names documented in worker.telemetry)."""
    labels = {"board": run["board"], "trigger": run["trigger"]}
    telemetry.record(redis, "sync_runs", {**labels, "state": run["state"]})
    telemetry.observe(redis, "sync_run_duration_seconds", labels, seconds)
    for outcome in ("written", "unchanged", "skipped", "failed"):
        amount = run["counts"][outcome]
        telemetry.record(redis, "sync_issues", {"board": run["board"], "outcome": outcome}, amount)
    if jira is not None:
        telemetry.record_jira_stats(redis, jira.stats)


def search_jql(board: Board) -> str:
    """The scope, in a fixed order: pages are read while we write, and Jira's default order may
    involve `updated`, which our own writes change (paging would then skip or repeat issues)."""
    return f"{board.scope_jql()} ORDER BY key ASC"


def _pages(jira: JiraClient, jql: str, fields: list[str]) -> Iterator[tuple[int, list[dict]]]:
    """(total, issues) per search page, the next page fetched while the caller works."""
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for page in jira.search_pages(jql, fields):
                box.put(page)
                if stop.is_set():  # before the generator asks Jira for the next page
                    break
            box.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            box.put(exc)

    thread = threading.Thread(target=fetch, name="jira-search", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise SyncError(f"search failed: {item}") from item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full box
            try:
                box.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def _sync(
    redis: Redis,
    run: dict[str, Any],
    jira: JiraClient,
    progress: Progress,
    should_stop: Callable[[], bool],
) -> dict:
    board = BoardStore(redis).get(run["board"])
    plan = FieldPlan(board.mapped_fields())
    if not plan.fields:
        raise SyncError("the board has no mapped fields: map or create them first")
    if not run["dry_run"] and not board.active:
        raise SyncError("the board is not active: activate it (or ask for a dry run)")
    desired = desired_table(redis, board, plan)
    sources = {f.tracker_field: f.source for f in plan.fields}
    clear_unscored = board.options.unscored == "clear"
    seen: set[str] | None = set() if board.options.out_of_scope == "clear" else None
    pool = Pool(max(1, jira.settings.concurrency))
    planned = 0
    total_set = False
    try:
        for total, issues in _pages(jira, search_jql(board), plan.read_ids):
            if not total_set:
                RunStore(redis).set(run["id"], total=total)
                total_set = True
            # Counted per page, not per issue: the main thread must stay cheap (GIL) while the
            # write threads wait on Jira.
            tally: Counter[str] = Counter()
            try:
                for issue in issues:
                    if should_stop():
                        raise Interrupted
                    key, current = issue["key"], issue.get("fields") or {}
                    if seen is not None:
                        seen.add(key)
                    tally["in_scope"] += 1
                    want = desired.get(key)
                    if want is None and not clear_unscored:
                        tally["skipped"] += 1
                        continue
                    changes = diff(current, want, plan)
                    if not changes:
                        tally["unchanged"] += 1
                        continue
                    planned += 1
                    if run["dry_run"]:
                        _plan_only(progress, key, changes, sources)
                        continue
                    holds = want is not None and any(v is not None for v in want)
                    status = status_name(current)
                    pool.submit(
                        write_issue,
                        jira,
                        progress,
                        board.options,
                        key,
                        changes,
                        sources,
                        holds,
                        status,
                    )
            finally:
                done = tally["skipped"] + tally["unchanged"]
                progress.count(**tally, done=done)
    except Interrupted:
        pool.close()  # what was sent is recorded; nothing new is started
        raise
    except BaseException:
        pool.close(cancel=True)
        raise
    pool.close()
    if not total_set:
        RunStore(redis).set(run["id"], total=0)
    cleared = 0
    if seen is not None:
        cleared = _clear_out_of_scope(redis, board, plan, jira, progress, seen, run["dry_run"])
    return {"planned": planned, "out_of_scope_cleared": cleared, "jira_requests": _requests(jira)}


def _plan_only(progress: Progress, key: str, changes: dict, sources: dict[str, str]) -> None:
    record = [
        {"issue": key, "field": fid, "source": sources.get(fid), "old": old, "new": new}
        for fid, (old, new) in changes.items()
    ]
    progress.changed(key, record, wrote_values=True)
    progress.count(written=1, done=1)


def _clear_out_of_scope(
    redis: Redis,
    board: Board,
    plan: FieldPlan,
    jira: JiraClient,
    progress: Progress,
    seen: set[str],
    dry_run: bool,
) -> int:
    """Clear our fields on issues we wrote earlier that have left the board's scope."""
    gone = [k.decode() for k in redis.sscan_iter(touched_key(board.id), count=1000)]
    gone = [k for k in gone if k not in seen]
    sources = {f.tracker_field: f.source for f in plan.fields}
    pool = Pool(max(1, jira.settings.concurrency))

    def clear(key: str) -> None:
        try:
            current = jira.get_issue(key, fields=plan.read_ids).get("fields") or {}
        except Exception as exc:  # noqa: BLE001 - a deleted issue holds nothing to clear
            log.info("sync.out_of_scope_unreadable", extra={"issue": key, "error": str(exc)})
            redis.srem(touched_key(board.id), key)
            return
        changes = diff(current, None, plan)
        if not changes:
            redis.srem(touched_key(board.id), key)
        elif dry_run:
            _plan_only(progress, key, changes, sources)
        else:
            status = status_name(current)
            write_issue(jira, progress, board.options, key, changes, sources, False, status)

    for key in gone:
        pool.submit(clear, key)
    pool.close()
    return len(gone)


def _requests(jira: JiraClient) -> int:
    return sum(v for k, v in jira.stats.items() if k.startswith("status_"))
