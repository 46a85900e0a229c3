"""Board configuration against the simulator: card layout within 3 fields, sort, undo."""

from __future__ import annotations

import dataclasses

import pytest

from tests.worker.setup_support import card_fields, client_for, shop_board
from worker.model import Options
from worker.services.board_config import apply_board_config, revert_board_config, with_order
from worker.services.fields_setup import create_fields_in_jira
from worker.store import BoardStore

RANKED = "project = SHOP ORDER BY Rank ASC"


@pytest.fixture
def boards(redis):
    return BoardStore(redis)


@pytest.fixture
def ready(jira, redis, boards):
    """The demo board with its two fields created and mapped."""
    boards.create(shop_board())
    create_fields_in_jira(redis, client_for(jira), "shop")
    return [f.tracker_field for f in boards.get("shop").fields]


def set_options(boards, **options):
    boards.update("shop", lambda b: dataclasses.replace(b, options=Options(**options)))


def add_card(jira, mode, field):
    path = f"/rest/greenhopper/1.0/cardlayout/1/{mode}/field"
    jira.admin("POST", path, json={"fieldId": field}).raise_for_status()


def filter_jql(jira):
    return jira.admin("GET", "/rest/api/2/filter/10000").json()["jql"]


def test_card_layout_holds_fields_in_both_modes_and_reapply_is_a_no_op(jira, redis, boards, ready):
    report = apply_board_config(redis, client_for(jira), "shop")
    assert card_fields(jira, "planMode") == ready
    assert card_fields(jira, "workMode") == ready
    assert report["card_layout"]["planMode"]["added"] == ready
    assert report["sort"]["jql"] == RANKED
    again = apply_board_config(redis, client_for(jira), "shop")
    assert again["card_layout"]["planMode"] == {
        "enabled": True, "added": [], "present": ready, "skipped": [],
    }  # fmt: skip
    assert card_fields(jira, "planMode") == ready
    assert len(again["undo"]["card_items"]) == 4
    assert boards.get("shop").board_config["applied_at"] == again["applied_at"]


def test_three_field_limit_is_respected_and_reported(jira, redis, boards, ready):
    for field in ("customfield_10002", "customfield_10100"):
        jira.admin(
            "POST", "/rest/greenhopper/1.0/cardlayout/1/planMode/field", json={"fieldId": field}
        )
    report = apply_board_config(redis, client_for(jira), "shop")
    plan = report["card_layout"]["planMode"]
    assert plan["added"] == [ready[0]]
    assert plan["skipped"] == [ready[1]]
    assert card_fields(jira, "planMode") == ["customfield_10002", "customfield_10100", ready[0]]
    assert any("3 fields" in w and "Score Status" in w for w in report["warnings"])


def test_backlog_disabled_leaves_plan_mode_alone(jira, redis, boards, ready):
    set_options(boards, card_layout={"backlog": False, "active_sprint": True})
    report = apply_board_config(redis, client_for(jira), "shop")
    assert report["card_layout"]["planMode"] == {"enabled": False}
    assert card_fields(jira, "planMode") == []
    assert card_fields(jira, "workMode") == ready


def test_sort_orders_filter_warns_and_is_undone_by_null(jira, redis, boards, ready):
    set_options(boards, sort_board_by="priority")
    report = apply_board_config(redis, client_for(jira), "shop")
    number = ready[0].removeprefix("customfield_")
    assert filter_jql(jira) == f"project = SHOP ORDER BY cf[{number}] ASC"
    assert any("drag-and-drop" in w for w in report["warnings"])
    again = apply_board_config(redis, client_for(jira), "shop")
    assert again["undo"]["filter"]["jql"] == RANKED  # the original, not our own order
    set_options(boards, sort_board_by=None)
    apply_board_config(redis, client_for(jira), "shop")
    assert filter_jql(jira) == RANKED


def test_revert_removes_our_card_fields_and_restores_order(jira, redis, boards, ready):
    add_card(jira, "workMode", "customfield_10002")
    set_options(boards, sort_board_by="priority")
    apply_board_config(redis, client_for(jira), "shop")
    report = revert_board_config(redis, client_for(jira), "shop")
    assert len(report["removed"]) == 4
    assert card_fields(jira, "planMode") == []
    assert card_fields(jira, "workMode") == ["customfield_10002"]  # not ours: kept
    assert filter_jql(jira) == RANKED
    assert report["filter_restored"] == RANKED


def test_revert_leaves_a_filter_edited_in_jira_since(jira, redis, boards, ready):
    set_options(boards, sort_board_by="priority")
    apply_board_config(redis, client_for(jira), "shop")
    edited = "project = SHOP AND status != Done ORDER BY Rank ASC"
    jira.admin("PUT", "/rest/api/2/filter/10000", json={"jql": edited})
    report = revert_board_config(redis, client_for(jira), "shop")
    assert filter_jql(jira) == edited
    assert report["filter_restored"] is None
    assert "edited in Jira" in report["warnings"][0]


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("project = SHOP ORDER BY Rank ASC", "project = SHOP ORDER BY cf[1] ASC"),
        ("project = SHOP order   by rank", "project = SHOP ORDER BY cf[1] ASC"),
        ("project = SHOP", "project = SHOP ORDER BY cf[1] ASC"),
        ("ORDER BY Rank", "ORDER BY cf[1] ASC"),
    ],
)
def test_with_order_replaces_only_the_order(jql, expected):
    assert with_order(jql, "cf[1] ASC") == expected
