"""worker.scoring: priority ordering and the derivation formula, as properties."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from worker import scoring
from worker.model import Criterion, Score

keys = st.builds(
    lambda p, n: f"{p}-{n}", st.sampled_from(["SHOP", "OPS", "A1"]), st.integers(1, 500)
)
scores_st = st.lists(
    st.builds(
        Score,
        issue=keys,
        score=st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.5, 10.0]), st.floats(-50, 50)),
        percent=st.one_of(st.none(), st.sampled_from([50.0, 100.0])),
        issue_id=st.one_of(st.none(), st.integers(10000, 10100)),
    ),
    # Keys and Jira ids are unique per issue, as in Jira.
    unique_by=(lambda s: s.issue, lambda s: s.issue if s.issue_id is None else s.issue_id),
    max_size=40,
)


@given(scores_st)
def test_ranks_are_1_to_n_over_scored_issues_only(scores: list[Score]) -> None:
    ranks = scoring.rank(scores)
    scored = {s.issue for s in scores if s.score is not None}
    assert set(ranks) == scored
    assert sorted(ranks.values()) == list(range(1, len(scored) + 1))


@given(scores_st)
def test_rank_order_is_score_then_percent_then_id(scores: list[Score]) -> None:
    ranks = scoring.rank(scores)
    by_rank = sorted((s for s in scores if s.issue in ranks), key=lambda s: ranks[s.issue])
    for a, b in zip(by_rank, by_rank[1:], strict=False):
        assert a.score >= b.score
        if a.score == b.score:
            pa, pb = a.percent or 100.0, b.percent or 100.0
            assert pa >= pb
            if pa == pb and a.issue_id is not None and b.issue_id is not None:
                assert a.issue_id < b.issue_id


@given(scores_st, st.randoms())
def test_ranking_does_not_depend_on_input_order(scores: list[Score], rnd: random.Random) -> None:
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    assert scoring.rank(shuffled) == scoring.rank(scores)


def test_ties_fall_back_to_natural_key_order() -> None:
    scores = [Score("SHOP-10", 5.0), Score("SHOP-9", 5.0), Score("SHOP-100", 5.0)]
    assert scoring.rank(scores) == {"SHOP-9": 1, "SHOP-10": 2, "SHOP-100": 3}


def test_known_numeric_id_breaks_ties_before_keys() -> None:
    scores = [Score("SHOP-1", 5.0, issue_id=20000), Score("SHOP-2", 5.0, issue_id=10000)]
    assert scoring.rank(scores) == {"SHOP-2": 1, "SHOP-1": 2}


CRITERIA = [
    Criterion("value", "Value", weight=2.0),
    Criterion("effort", "Effort", weight=-1.0),
    Criterion("risk", "Risk", weight=1.0, required=False),
]
votes = st.dictionaries(st.sampled_from(["value", "effort", "risk"]), st.integers(0, 5))
evaluations_st = st.lists(
    st.builds(scoring.Evaluation, voter=st.sampled_from(list("abcde")), criteria=votes),
    unique_by=lambda e: e.voter,
    max_size=5,
)


@given(evaluations_st)
def test_derived_values_stay_in_range_and_agree(evals: list[scoring.Evaluation]) -> None:
    d = scoring.derive(evals, CRITERIA)
    assert 0.0 <= d.percent <= 100.0
    assert d.alignment is None or 0.0 <= d.alignment <= 100.0
    assert d.status == scoring.status_for(d.score, d.percent)
    required_present = all(any(c.id in e.criteria for e in evals) for c in CRITERIA if c.required)
    assert (d.score is not None) == required_present
    if d.score is not None:
        expected = sum(c.weight * d.criteria[c.id] for c in CRITERIA if c.id in d.criteria)
        assert abs(d.score - expected) < 1e-3


@given(st.lists(st.sampled_from(list("abcdef")), min_size=1, unique=True), st.integers(0, 5))
def test_unanimous_votes_mean_full_alignment(voters: list[str], value: int) -> None:
    evals = [scoring.Evaluation(v, {"value": value, "effort": value}) for v in voters]
    d = scoring.derive(evals, CRITERIA)
    assert d.alignment == 100.0
    assert d.criteria["value"] == value


def test_worked_example() -> None:
    evals = [
        scoring.Evaluation("a", {"value": 4, "effort": 2}),
        scoring.Evaluation("b", {"value": 2, "effort": 2, "risk": 1}),
    ]
    d = scoring.derive(evals, CRITERIA)
    assert d.criteria == {"value": 3.0, "effort": 2.0, "risk": 1.0}
    assert d.score == 2 * 3.0 - 2.0 + 1.0
    assert d.percent == round(100 * 5 / 6, 2)
    assert d.status == scoring.PARTIAL
    # value: mean 3, sd 1 -> 1/4 spread; effort: unanimous -> 0; risk: one vote, not counted.
    assert d.alignment == round(100 * (1 - (0.25 + 0) / 2), 2)


def test_missing_required_criterion_means_no_score() -> None:
    d = scoring.derive([scoring.Evaluation("a", {"value": 3})], CRITERIA)
    assert d.score is None and d.status == scoring.NOT_SCORED


def test_desired_values_of_an_unscored_issue_are_none() -> None:
    assert scoring.desired_values(Score("SHOP-1", None), None) is None
    values = scoring.desired_values(Score("SHOP-1", 3.0, {"value": 1.0}, percent=50.0), 2)
    assert values["priority"] == 2 and values["criterion:value"] == 1.0
