"""CSV import of scores (the panel's upload): the same data and rules as the JSON API.

Header row: `issue` (required), optional `issue_id`, `score`, `status`, `percent`, `alignment`,
and one column per criterion, named by its id, `criterion:<id>` or its name. Empty cells mean
"not given". Every problem is reported with its line number and column; nothing is stored
unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any

from worker import scoring
from worker.model import Board, Score, criterion_id
from worker.score_input import item_problems, known_criteria, to_score
from worker.store import ScoreStore

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,49}-[1-9][0-9]{0,11}$")
BASE_COLUMNS = ("issue", "issue_id", "score", "status", "percent", "alignment")
LIMIT = 1_000_000_000
MAX_ROWS = 200_000


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


class ScoreImportError(ValueError):
    """The file is not valid; `problems` lists each one with its line."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        first = problems[0]
        where = f"line {first.line}" + (f", column {first.column!r}" if first.column else "")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}")
        self.problems = problems


def _columns(header: list[str], board: Board) -> tuple[dict[int, str], list[ImportProblem]]:
    """Column index -> "base name" or "criterion:<id>"; unknown columns are problems."""
    known = known_criteria(board)
    by_name = {c.name.strip().lower(): cid for cid, c in known.items()}
    out: dict[int, str] = {}
    problems = []
    for i, raw in enumerate(header):
        name = raw.strip()
        low = name.lower()
        if low in BASE_COLUMNS:
            out[i] = low
        elif criterion_id(name) in known:
            out[i] = name
        elif name in known:
            out[i] = f"criterion:{name}"
        elif low in by_name:
            out[i] = f"criterion:{by_name[low]}"
        else:
            choices = ", ".join([*BASE_COLUMNS, *sorted(known)])
            problems.append(ImportProblem(1, name, f"unknown column (expected one of: {choices})"))
    if "issue" not in out.values():
        problems.append(ImportProblem(1, None, "the header has no 'issue' column"))
    dupes = {v for v in out.values() if list(out.values()).count(v) > 1}
    problems += [ImportProblem(1, d, "column given twice") for d in sorted(dupes)]
    return out, problems


def _number(text: str, low: float, high: float) -> float:
    """A number in [low, high]; a decimal comma (spreadsheet exports) is accepted."""
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is not between {low:g} and {high:g}")
    return value


def _row_item(line: int, cells: dict[str, str], problems: list[ImportProblem]) -> dict:
    item: dict[str, Any] = {}
    for column, text in cells.items():
        text = text.strip()
        if not text:
            continue
        try:
            if column == "issue":
                if not ISSUE_KEY.match(text):
                    raise ValueError(f"{text!r} is not an issue key like SHOP-12")
                item["issue"] = text
            elif column == "issue_id":
                if not text.isdigit() or int(text) < 1:
                    raise ValueError(f"{text!r} is not a positive whole number")
                item["issue_id"] = int(text)
            elif column == "status":
                if text not in scoring.STATUSES:
                    raise ValueError(f"{text!r} is not one of {', '.join(scoring.STATUSES)}")
                item["status"] = text
            elif column in ("percent", "alignment"):
                item[column] = _number(text, 0, 100)
            elif column == "score":
                item["score"] = _number(text, -LIMIT, LIMIT)
            else:
                item.setdefault("criteria", {})[column.split(":", 1)[1]] = _number(
                    text, -LIMIT, LIMIT
                )
        except ValueError as exc:
            problems.append(ImportProblem(line, column, str(exc)))
    if "issue" not in item and not any(p.line == line and p.column == "issue" for p in problems):
        problems.append(ImportProblem(line, "issue", "the issue key is missing"))
    return item


def parse_scores_csv(text: str, board: Board) -> list[Score]:
    """Every row as a Score; raise ScoreImportError listing all problems by line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ScoreImportError([ImportProblem(1, None, "the file is empty (no header row)")])
    columns, problems = _columns(header, board)
    if problems:
        raise ScoreImportError(problems)
    items, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                ImportProblem(reader.line_num, None, f"{len(row)} cells, header has {len(header)}")
            )
            continue
        cells = {columns[i]: cell for i, cell in enumerate(row)}
        items.append(_row_item(reader.line_num, cells, problems))
        lines.append(reader.line_num)
        if len(items) > MAX_ROWS:
            raise ScoreImportError([ImportProblem(reader.line_num, None, "too many rows")])
    for p in item_problems(items, board, base="$"):
        index = int(p["path"][2 : p["path"].index("]")])
        problems.append(ImportProblem(lines[index], None, p["message"]))
    if problems:
        raise ScoreImportError(sorted(problems, key=lambda p: (p.line, p.column or "")))
    return [to_score(item, board) for item in items if "issue" in item]


def import_scores_csv(store: ScoreStore, board: Board, text: str, replace: bool = False) -> int:
    """Parse and store (merge, or replace the board's scores); returns the rows stored."""
    scores = parse_scores_csv(text, board)
    return store.put(board.id, scores, replace=replace)
