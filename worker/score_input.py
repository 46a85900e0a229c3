"""Scores as they arrive (JSON items or CSV rows) -> Score records, with the checks a schema
cannot express: criteria the board does not know, duplicate issues, evaluations mixed with
results, and non-finite numbers (Python's JSON parser accepts NaN and Infinity)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from worker import scoring
from worker.model import Board, Criterion, Score, criterion_id

RESULT_KEYS = ("score", "criteria", "status", "percent", "alignment")
_PLAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")


def path_join(base: str, elem: str | int) -> str:
    """Extend a JSON path the way jsonschema's `json_path` spells it."""
    if isinstance(elem, int):
        return f"{base}[{elem}]"
    if _PLAIN.match(elem):
        return f"{base}.{elem}"
    return base + "['" + elem.replace("\\", "\\\\").replace("'", r"\'") + "']"


def known_criteria(board: Board) -> dict[str, Criterion]:
    """The board's criteria, plus any `criterion:<id>` sync source not declared as a criterion."""
    known = {c.id: c for c in board.criteria}
    for f in board.fields:
        cid = criterion_id(f.source)
        if cid is not None:
            known.setdefault(cid, Criterion(id=cid, name=cid))
    return known


def _non_finite(value: Any, path: str, out: list[dict[str, str]]) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        out.append({"path": path, "message": f"{value} is not a finite number"})
    elif isinstance(value, dict):
        for k, v in value.items():
            _non_finite(v, path_join(path, k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _non_finite(v, path_join(path, i), out)


def _criteria_problems(
    criteria: dict[str, Any], path: str, known: dict[str, Criterion]
) -> list[dict[str, str]]:
    names = ", ".join(sorted(known)) or "none"
    return [
        {"path": path_join(path, cid), "message": f"unknown criterion {cid!r} (board has: {names})"}
        for cid in criteria
        if cid not in known
    ]


def item_problems(items: Sequence[dict[str, Any]], board: Board, base: str = "$.scores") -> list:
    """Problems jsonschema cannot see, as `{"path", "message"}`; empty when all is well."""
    known = known_criteria(board)
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        path = path_join(base, i)
        _non_finite(item, path, out)
        issue = item.get("issue")
        if issue in seen:
            out.append(
                {
                    "path": path_join(path, "issue"),
                    "message": f"{issue} is already given at {path_join(base, seen[issue])}",
                }
            )
        else:
            seen[issue] = i
        out += _criteria_problems(item.get("criteria") or {}, path_join(path, "criteria"), known)
        evaluations = item.get("evaluations")
        if evaluations is None:
            continue
        for key in RESULT_KEYS:
            if key in item:
                out.append(
                    {
                        "path": path_join(path, key),
                        "message": f"{key!r} cannot be given together with 'evaluations' "
                        "(it is derived from them)",
                    }
                )
        for j, ev in enumerate(evaluations):
            ev_path = path_join(path_join(path_join(path, "evaluations"), j), "criteria")
            out += _criteria_problems(ev.get("criteria") or {}, ev_path, known)
    return sorted(out, key=lambda p: (p["path"], p["message"]))


def to_score(item: dict[str, Any], board: Board, now: str | None = None) -> Score:
    """One validated item as a Score (derived from its evaluations when it has them)."""
    now = now or datetime.now(UTC).isoformat()
    if item.get("evaluations") is not None:
        evals = [scoring.Evaluation(e["voter"], e["criteria"]) for e in item["evaluations"]]
        derived = scoring.derive(evals, list(known_criteria(board).values()))
        return derived.as_score(item["issue"], now, item.get("issue_id"))
    score = item.get("score")
    percent = item.get("percent")
    return Score(
        issue=item["issue"],
        score=float(score) if score is not None else None,
        criteria={k: float(v) for k, v in (item.get("criteria") or {}).items()},
        status=item.get("status") or scoring.status_for(score, percent),
        percent=float(percent) if percent is not None else None,
        alignment=float(item["alignment"]) if item.get("alignment") is not None else None,
        updated_at=now,
        issue_id=item.get("issue_id"),
    )
