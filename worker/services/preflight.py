"""The preflight of DESIGN §3: can every mapped field be written on every issue in scope?

Checks, per board: each sync field is mapped to a Jira field that exists and has a compatible
type; the agile board exists; and, on one issue of each project × issue type in scope, that
each mapped field is on the edit screen (`GET /rest/api/2/issue/{key}/editmeta` lists exactly
the fields a PUT may set: jira-server-api.md §3 and §10 point 4). The report is what activation
judges, so it carries a fingerprint of the fields and scope it was computed for.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from worker.jira import JiraClient, JiraError, JiraNotFoundError
from worker.model import Board, SyncField
from worker.services.field_types import TYPE_LABELS, describe, field_kind, summary

SCAN_FIELDS = ["project", "issuetype", "status"]
SAMPLE_PAGE = 50
MAX_TYPE_QUERIES = 50
"""At most this many sample queries per project (Jira instances rarely have 50 issue types)."""


def fingerprint(board: Board) -> str:
    """Identifies what a preflight judged: mapped fields, scope and agile board."""
    data = {
        "fields": [[f.source, f.tracker_field] for f in board.fields],
        "projects": list(board.project_keys),
        "jql": board.jql,
        "board": board.jira_board_id,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _problem(code: str, field: SyncField | None, message: str, **where: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message, **where}
    if field is not None:
        out.update({"source": field.source, "field": field.tracker_field, "name": field.name})
    return out


def check_fields(
    board: Board, jira_fields: dict[str, dict[str, Any]]
) -> tuple[list[SyncField], list[dict[str, Any]]]:
    """The fields that can be checked on issues, and the problems of the others."""
    writable, problems = [], []
    for f in board.fields:
        found = jira_fields.get(f.tracker_field or "")
        if not f.tracker_field:
            message = (
                f"field {f.name!r} ({f.source}) is not mapped to a Jira field: create it in Jira "
                "(fields/create-in-jira) or map an existing field"
            )
            problems.append(_problem("not_mapped", f, message))
        elif found is None:
            message = (
                f"field {f.name!r} ({f.source}) is mapped to {f.tracker_field}, which Jira lacks"
            )
            problems.append(_problem("missing", f, message))
        elif field_kind(found) != f.type:
            message = (
                f"field {f.name!r} ({f.source}) is mapped to {f.tracker_field} "
                f"{found.get('name')!r}, a {describe(found)}; it needs a {TYPE_LABELS[f.type]}"
            )
            problems.append(_problem("wrong_type", f, message))
        else:
            writable.append(f)
    return writable, problems


def _consider(picked: dict[tuple[str, str], dict[str, Any]], issue: dict[str, Any]) -> str:
    """Keep the issue as its (project, type)'s sample if none yet, or it is not done; its type."""
    fields = issue.get("fields") or {}
    project = (fields.get("project") or {}).get("key") or issue["key"].split("-")[0]
    kind = (fields.get("issuetype") or {}).get("name", "?")
    status = fields.get("status") or {}
    done = (status.get("statusCategory") or {}).get("key") == "done"
    current = picked.get((project, kind))
    if current is None or (current["done"] and not done):
        picked[(project, kind)] = {"key": issue["key"], "done": done, "status": status.get("name")}
    return kind


def sample_issues(jira: JiraClient, board: Board) -> dict[tuple[str, str], dict[str, Any]]:
    """One issue per (project key, issue type name) in scope, preferring issues not done.

    Bounded whatever the backlog's size: per project, small pages that each exclude the issue
    types already seen (`issuetype not in (...)`), so the number of calls follows the number
    of issue types, not of issues.
    """
    picked: dict[tuple[str, str], dict[str, Any]] = {}
    for key in board.project_keys:
        seen: set[str] = set()
        for _ in range(MAX_TYPE_QUERIES):
            clauses = [f"project = {key}"]
            if board.jql:
                clauses.append(f"({board.jql})")
            if seen:
                names = ", ".join(json.dumps(n) for n in sorted(seen))
                clauses.append(f"issuetype not in ({names})")
            page = jira.search(" AND ".join(clauses), SCAN_FIELDS, max_results=SAMPLE_PAGE)
            issues = page.get("issues") or []
            if not issues:
                break
            seen.update(_consider(picked, issue) for issue in issues)
    return dict(sorted(picked.items()))


def check_issues(
    jira: JiraClient, board: Board, writable: list[SyncField]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Editmeta on one issue of each project × issue type: (checked, problems, warnings)."""
    checked, problems, warnings = [], [], []
    samples = sample_issues(jira, board)
    if not samples:
        warnings.append({"code": "no_issues", "message": f"no issues match {board.scope_jql()}"})
    for (project, kind), sample in samples.items():
        key = sample["key"]
        meta = jira.editmeta(key)
        where = {"project": project, "issue_type": kind, "issue": key}
        if not meta:
            # A step with jira.issue.editable=false answers an empty editmeta (JRASERVER-63664).
            message = (
                f"{project} · {kind}: {key} is not editable in status {sample['status']!r}; "
                "its fields could not be checked (such issues are skipped by syncs)"
            )
            warnings.append({"code": "not_editable", "message": message, **where})
            checked.append({**where, "editable": False, "fields": []})
            continue
        for f in writable:
            if f.tracker_field not in meta:
                message = (
                    f"{project} · {kind}: field {f.name!r} ({f.tracker_field}) is not on the "
                    f"edit screen of {key}; add it to the screens of project {project}"
                )
                problems.append(_problem("not_on_screen", f, message, **where))
        ok = [f.tracker_field for f in writable if f.tracker_field in meta]
        checked.append({**where, "editable": True, "fields": ok})
    if checked and not any(c["editable"] for c in checked):
        # Nothing editable at all: more likely the Jira user lacks "Edit Issues" than a workflow.
        message = (
            "none of the sampled issues is editable by the Jira user Sync Back uses: check its "
            "'Edit Issues' permission in the projects' permission scheme"
        )
        problems.append({"code": "nothing_editable", "message": message})
    return checked, problems, warnings


def check_board(jira: JiraClient, board: Board) -> tuple[dict[str, Any] | None, list[dict]]:
    """The agile board and its filter, or a problem when Jira does not know the board."""
    try:
        found = jira.board(board.jira_board_id)
        config = jira.board_configuration(board.jira_board_id)
    except JiraNotFoundError:
        message = f"Jira has no agile board {board.jira_board_id} (or it is not visible)"
        return None, [{"code": "board_missing", "message": message}]
    filter_id = (config.get("filter") or {}).get("id")
    return {"id": found["id"], "name": found.get("name"), "filter_id": filter_id}, []


def name_warnings(board: Board) -> list[dict[str, Any]]:
    """4-byte characters (emoji) fail in Jira on MySQL `utf8` (JRA-36135)."""
    out = []
    for f in board.fields:
        if not f.tracker_field and any(ord(ch) > 0xFFFF for ch in f.name):
            message = (
                f"{f.name!r} contains 4-byte characters: Jira on MySQL with the utf8 charset "
                "cannot store them (JRA-36135); set options.field_name_style to 'ascii' there"
            )
            out.append({"code": "four_byte_name", "message": message, "source": f.source})
    return out


def run_preflight(jira: JiraClient, board: Board) -> dict[str, Any]:
    """The full report; never raises for a Jira-side problem it can name."""
    all_fields = jira.fields()
    custom = {f["id"]: f for f in all_fields if f.get("custom")}
    writable, problems = check_fields(board, custom)
    if not board.fields:
        problems.append({"code": "no_fields", "message": "the board has no sync fields to write"})
    jira_board, board_problems = check_board(jira, board)
    problems += board_problems
    warnings = name_warnings(board)
    checked: list[dict[str, Any]] = []
    try:
        checked, issue_problems, issue_warnings = check_issues(jira, board, writable)
        problems += issue_problems
        warnings += issue_warnings
    except JiraError as exc:
        if exc.status not in (400, 404):
            raise
        message = f"the scope query {board.scope_jql()!r} failed: {exc}"
        problems.append({"code": "scope_invalid", "message": message})
    return {
        "ok": not problems,
        "checked_at": datetime.now(UTC).isoformat(),
        "fingerprint": fingerprint(board),
        "problems": problems,
        "warnings": warnings,
        "checked": checked,
        "jira_board": jira_board,
        "jira_fields": [summary(f) for f in custom.values()],
    }
