"""worker.score_import: CSV rows become scores; every problem is named by line and column."""

from __future__ import annotations

import pytest

from tests.sync_fixtures import make_board
from worker.score_import import ScoreImportError, import_scores_csv, parse_scores_csv
from worker.store import ScoreStore

BOARD = make_board()


def test_columns_by_name_id_and_prefix() -> None:
    text = (
        "\ufeffIssue,score,percent,Value,criterion:effort,status\n"
        "SHOP-1,12.5,100,3,2,Scored\n"
        '\n"SHOP-2","3,5",50,,1,\n'
    )
    first, second = parse_scores_csv(text, BOARD)
    assert (first.issue, first.score, first.criteria) == ("SHOP-1", 12.5, {"value": 3, "effort": 2})
    assert (second.score, second.status, second.criteria) == (
        3.5,
        "Partially scored",
        {"effort": 1},
    )


def test_every_bad_cell_is_reported_with_its_line() -> None:
    text = (
        "issue,score,percent,alignment\nSHOP-1,x,50,\nshop-2,1,101,\nSHOP-3,1,1,nan\nSHOP-1,2,,\n"
    )
    with pytest.raises(ScoreImportError) as err:
        parse_scores_csv(text, BOARD)
    found = [(p.line, p.column) for p in err.value.problems]
    assert found == [
        (2, "score"),
        (3, "issue"),
        (3, "percent"),
        (4, "alignment"),
        (5, None),
    ]
    assert "already given" in err.value.problems[-1].message
    assert str(err.value).startswith("line 2, column 'score'")


def test_unknown_column_and_missing_issue_column() -> None:
    with pytest.raises(ScoreImportError) as err:
        parse_scores_csv("key,score,impact\nSHOP-1,1,2\n", BOARD)
    assert [(p.line, p.column) for p in err.value.problems] == [
        (1, "key"),
        (1, "impact"),
        (1, None),
    ]
    with pytest.raises(ScoreImportError):
        parse_scores_csv("", BOARD)


def test_import_stores_all_or_nothing(redis) -> None:
    store = ScoreStore(redis)
    assert import_scores_csv(store, BOARD, "issue,score\nSHOP-1,1\nSHOP-2,2\n") == 2
    with pytest.raises(ScoreImportError):
        import_scores_csv(store, BOARD, "issue,score\nSHOP-3,1\nSHOP-4,oops\n", replace=True)
    assert set(store.all("shop")) == {"SHOP-1", "SHOP-2"}
    assert import_scores_csv(store, BOARD, "issue,score\nSHOP-5,5\n", replace=True) == 1
    assert set(store.all("shop")) == {"SHOP-5"}
