"""The JQL parser and compiler: any input either works or fails with Jira's 400 message."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.jira_sim import dataset
from tests.jira_sim.jql import BoolExpr, Clause, JqlError, parse
from tests.jira_sim.jql_eval import Compiler

STATE = dataset.build("demo")
PIECES = [
    "project",
    "=",
    "SHOP",
    "in",
    "(",
    ")",
    ",",
    "AND",
    "OR",
    "NOT",
    "ORDER",
    "BY",
    "Rank",
    "DESC",
    "key",
    "SHOP-1",
    '"Business Value"',
    "cf[10100]",
    ">",
    "5",
    "is",
    "EMPTY",
    "openSprints()",
    "sprint",
    "~",
    '"x"',
    "status",
    "Done",
    "created",
    "-1d",
    "text",
    "!=",
    "labels",
    "<=",
    "assignee",
    "currentUser()",
    "summary",
    "resolution",
    "Unresolved",
]


def test_precedence_and_binds_tighter_than_or() -> None:
    query = parse("project = SHOP OR key = OPS-1 AND status = Done ORDER BY Rank DESC")
    assert isinstance(query.where, BoolExpr) and query.where.op == "OR"
    assert isinstance(query.where.parts[1], BoolExpr) and query.where.parts[1].op == "AND"
    assert query.order_by == [("Rank", "DESC")]


def test_quoted_values_and_escapes() -> None:
    clause = parse('summary ~ "say \\"hi\\""').where
    assert isinstance(clause, Clause) and clause.values[0].text == 'say "hi"'


def test_empty_query_and_order_only() -> None:
    assert parse("").where is None
    assert parse("order by key asc").order_by == [("key", "ASC")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_any_token_soup_runs_or_fails_with_a_jql_error(tokens: list[str]) -> None:
    """Valid queries evaluate and sort over every issue without errors; others are JqlErrors."""
    try:
        compiled = Compiler(STATE, "admin").compile(parse(" ".join(tokens)))
    except JqlError as exc:
        assert str(exc).strip()
        return
    matches = [
        pn for pn in compiled.candidates() if compiled.predicate is None or compiled.predicate(*pn)
    ]  # noqa: E501
    matches.sort(key=compiled.sort_key)
    assert len(matches) <= 40


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    with contextlib.suppress(JqlError):
        Compiler(STATE, "admin").compile(parse(text))
