"""`syncback demo-seed`: the demo prioritization board of DESIGN §8, linked to SHOP.

Creates board `shop` (Jira agile board 1, project SHOP) with four criteria and scores for
SHOP-1..SHOP-N derived from deterministic evaluations of three voters, so a newcomer can walk
the four setup steps at once. Idempotent: an existing board, or existing scores, are left alone.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from redis import Redis

from bridge.board_fields import default_fields
from worker.model import Board, Criterion, Score
from worker.scoring import Evaluation, derive
from worker.store import BoardExistsError, BoardStore, ScoreStore, ensure_schema

BOARD_ID = "shop"
CRITERIA = (
    Criterion("reach", "Reach", 1.0, True),
    Criterion("impact", "Impact", 2.0, True),
    Criterion("confidence", "Confidence", 1.0, False),
    Criterion("effort", "Effort", -1.0, False),
)
VOTERS = ("ada", "grace", "linus")
UPDATED_AT = "2026-12-01T09:00:00+00:00"


def demo_board() -> Board:
    """The demo board: SHOP, agile board 1, four criteria, default fields."""
    board = Board(
        id=BOARD_ID,
        name="Shop roadmap (demo)",
        emoji="🛒",
        jira_board_id=1,
        project_keys=("SHOP",),
        criteria=CRITERIA,
    )
    return dataclasses.replace(board, fields=default_fields(board))


def evaluations(number: int) -> list[Evaluation]:
    """Every 7th issue unscored; every 4th has a voter who skipped the optional criteria."""
    if number % 7 == 0:
        return []
    rnd = random.Random(number)  # noqa: S311 - demo data, reproducible on purpose
    out = []
    for i, voter in enumerate(VOTERS):
        values = {"reach": rnd.randint(1, 10), "impact": rnd.randint(1, 5)}
        if not (number % 4 == 0 and i == 2):
            values.update({"confidence": rnd.randint(1, 5), "effort": rnd.choice([1, 2, 3, 5, 8])})
        out.append(Evaluation(voter, values))
    return out


def demo_scores(issues: int) -> list[Score]:
    """Scores for SHOP-1..SHOP-N derived from the demo evaluations."""
    scores = []
    for n in range(1, issues + 1):
        evals = evaluations(n)
        if not evals:
            continue
        scores.append(derive(evals, CRITERIA).as_score(f"SHOP-{n}", UPDATED_AT))
    return scores


def seed(redis: Redis, issues: int = 30) -> dict[str, Any]:
    """Create the demo board and its scores where missing; report what was done."""
    ensure_schema(redis)
    try:
        BoardStore(redis).create(demo_board())
        created = True
    except BoardExistsError:
        created = False
    scores = ScoreStore(redis)
    written = 0
    if scores.count(BOARD_ID) == 0:
        written = scores.put(BOARD_ID, demo_scores(issues))
    return {"board": BOARD_ID, "board_created": created, "scores_written": written}
