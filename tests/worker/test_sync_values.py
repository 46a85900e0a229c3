"""worker.services.sync_values: normalised comparison, diffs and the desired-value table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.sync_fixtures import PRIORITY_FIELD, TEXT_FIELD, make_board
from worker.model import Score, SyncField
from worker.services.sync_values import FieldPlan, desired_table, diff, same
from worker.store import BoardStore, ScoreStore


def test_normalisation_rules() -> None:
    assert same(3.0, 3, "number") and same("3", 3, "number")
    assert same(0.1 + 0.2, 0.3, "number") and not same(0.3, 0.31, "number")
    assert same(1e12 + 1e-3, 1e12, "number")  # relative tolerance
    assert same("", None, "string") and same("  ", None, "string") and same(None, None, "number")
    assert same(" Scored ", "Scored", "string") and not same("Scored", "scored", "string")
    assert not same(None, 0, "number") and not same(0, None, "number")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_a_number_equals_its_json_round_trip(x: float) -> None:
    assert same(x, float(repr(x)), "number") and same(x, x * (1 + 1e-9), "number")


PLAN = FieldPlan(
    (
        SyncField("priority", "P", PRIORITY_FIELD),
        SyncField("score_status", "S", TEXT_FIELD),
    )
)


def test_diff_lists_only_changed_fields_with_old_values() -> None:
    current = {PRIORITY_FIELD: 2.0, TEXT_FIELD: "Scored"}
    assert diff(current, (2, "Scored"), PLAN) == {}
    assert diff(current, (3, "Scored"), PLAN) == {PRIORITY_FIELD: (2.0, 3)}
    assert diff(current, None, PLAN) == {PRIORITY_FIELD: (2.0, None), TEXT_FIELD: ("Scored", None)}
    assert diff({}, (1, ""), PLAN) == {PRIORITY_FIELD: (None, 1)}  # "" is "no value"


def test_desired_table_ranks_the_whole_board(redis) -> None:
    board = BoardStore(redis).create(make_board())
    ScoreStore(redis).put(
        "shop",
        [
            Score("SHOP-1", 1.0),
            Score("SHOP-2", 5.0, percent=50.0, status="Partially scored"),
            Score("SHOP-3", 5.0),
            Score("SHOP-4", None, status="Not scored"),
        ],
    )
    table = desired_table(redis, board, FieldPlan(board.mapped_fields()))
    assert table == {
        "SHOP-3": (1, "Scored"),
        "SHOP-2": (2, "Partially scored"),
        "SHOP-1": (3, "Scored"),
    }
