"""Prioritization arithmetic (DESIGN §3): pure functions, no Redis, no Jira.

Derivation from raw evaluations (`derive`), one evaluation = one voter's numbers per criterion:

- criterion score  = mean of the values given for that criterion (voters who skipped it do not
  count);
- total score      = sum over the board's criteria of weight * criterion score (a negative weight
  turns a criterion into a cost), rounded to 4 decimals; None when a *required* criterion has no
  value at all ("issues whose required criteria are missing get no score and no writes");
- percent          = 100 * values present / (voters * criteria), voters = distinct voters seen;
- status           = "Not scored" without a score, "Scored" at 100 %, else "Partially scored";
- alignment        = 100 * (1 - mean over criteria with >= 2 values of sd / (sd + |mean|)), the
  share of agreement: equal votes give 100, votes spread far around their mean tend to 0; scale-free
  so criteria on 0..5 and 1..100 scales compare. One voter (nothing to disagree on) gives 100.

Priority (`rank`): score desc, then percent desc, then issue id asc (Jira's numeric id where the
payload gave it, otherwise the key compared naturally: project, then number); ordinal ranks 1..N.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from worker.model import Criterion, Score

SCORED, PARTIAL, NOT_SCORED = "Scored", "Partially scored", "Not scored"
STATUSES = (SCORED, PARTIAL, NOT_SCORED)
_KEY = re.compile(r"^([A-Z][A-Z0-9_]*)-(\d+)$")


@dataclass(frozen=True)
class Evaluation:
    """One voter's values for some of the board's criteria."""

    voter: str
    criteria: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    score: float | None
    criteria: dict[str, float]
    percent: float
    status: str
    alignment: float | None

    def as_score(self, issue: str, updated_at: str, issue_id: int | None = None) -> Score:
        """The issue's Score record carrying these derived results."""
        return Score(
            issue=issue,
            score=self.score,
            criteria=self.criteria,
            status=self.status,
            percent=self.percent,
            alignment=self.alignment,
            updated_at=updated_at,
            issue_id=issue_id,
        )


def natural_key(issue: str) -> tuple[str, int, str]:
    """SHOP-9 before SHOP-10: project, then number; odd keys sort by text after."""
    m = _KEY.match(issue)
    return (m.group(1), int(m.group(2)), "") if m else ("\uffff", 0, issue)


def status_for(score: float | None, percent: float | None) -> str:
    """Score status from a score and its percent (None percent counts as complete)."""
    if score is None:
        return NOT_SCORED
    if percent is not None and percent < 100:
        return PARTIAL
    return SCORED


def _alignment(values_by_criterion: Mapping[str, Sequence[float]]) -> float | None:
    spreads = []
    for values in values_by_criterion.values():
        if len(values) < 2:
            continue
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        spreads.append(0.0 if sd == 0 else sd / (sd + abs(mean)))
    if not any(values_by_criterion.values()):
        return None
    if not spreads:
        return 100.0
    return round(100.0 * (1.0 - sum(spreads) / len(spreads)), 2)


def derive(evaluations: Iterable[Evaluation], criteria: Sequence[Criterion]) -> Derived:
    """Criterion scores, total, percent, status and alignment from raw evaluations."""
    by_criterion: dict[str, list[float]] = {c.id: [] for c in criteria}
    voters: set[str] = set()
    for ev in evaluations:
        voters.add(ev.voter)
        for cid, value in ev.criteria.items():
            if cid in by_criterion and value is not None:
                by_criterion[cid].append(float(value))
    means = {cid: round(sum(v) / len(v), 4) for cid, v in by_criterion.items() if v}
    expected = len(voters) * len(criteria)
    present = sum(len(v) for v in by_criterion.values())
    percent = round(100.0 * present / expected, 2) if expected else 0.0
    complete = all(c.id in means for c in criteria if c.required)
    score = None
    if complete and means:
        score = round(sum(c.weight * means[c.id] for c in criteria if c.id in means), 4)
    return Derived(
        score=score,
        criteria=means,
        percent=percent,
        status=status_for(score, percent),
        alignment=_alignment(by_criterion),
    )


def rank_key(score: Score) -> tuple:
    """Sort key of DESIGN §3: score desc, percent desc, issue id asc."""
    percent = score.percent if score.percent is not None else 100.0
    known_id = score.issue_id is not None
    return (
        -(score.score or 0.0),
        -percent,
        0 if known_id else 1,
        score.issue_id or 0,
        natural_key(score.issue),
    )


def rank(scores: Iterable[Score]) -> dict[str, int]:
    """Ordinal priority ranks 1..N of the scored issues (score not None); ties never share."""
    scored = sorted((s for s in scores if s.score is not None), key=rank_key)
    return {s.issue: i for i, s in enumerate(scored, start=1)}


def ranked(scores: Sequence[Score]) -> tuple[list[Score], dict[str, int]]:
    """Scores best first (unscored last, by issue), with their priority ranks."""
    ranks = rank(scores)
    return sorted(scores, key=lambda s: (ranks.get(s.issue, len(ranks) + 1), s.issue)), ranks


def desired_values(score: Score | None, rank_of: int | None) -> dict[str, object] | None:
    """Value of every built-in source for one issue; None when the issue is unscored."""
    if score is None or score.score is None:
        return None
    values: dict[str, object] = {
        "priority": rank_of,
        "score": score.score,
        "alignment": score.alignment,
        "score_status": score.status or status_for(score.score, score.percent),
        "score_percent": score.percent,
    }
    for cid, value in score.criteria.items():
        values[f"criterion:{cid}"] = value
    return values
