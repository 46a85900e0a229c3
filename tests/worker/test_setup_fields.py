"""create_fields_in_jira against the simulator: types, screens, mapping, reuse, idempotence."""

from __future__ import annotations

import dataclasses

import pytest

from tests.worker.setup_support import (
    DEFAULT_SCREENS,
    SHOP_SCREENS,
    client_for,
    jira_field,
    shop_board,
    tab_field_ids,
)
from worker.model import Options, SyncField
from worker.services.fields_setup import SetupError, create_fields_in_jira
from worker.store import BoardStore

FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"
TEXT = "com.atlassian.jira.plugin.system.customfieldtypes:textfield"


@pytest.fixture
def boards(redis):
    return BoardStore(redis)


def test_creates_typed_searchable_fields_on_every_screen_and_maps_them(jira, redis, boards):
    boards.create(shop_board())
    result = create_fields_in_jira(redis, client_for(jira), "shop")
    rows = {r["source"]: r for r in result["fields"]}
    assert [r["action"] for r in result["fields"]] == ["created", "created"]
    priority, status = rows["priority"]["field_id"], rows["score_status"]["field_id"]
    assert jira_field(jira, priority)["name"] == "Priority 🛒 Ducalis"
    assert jira_field(jira, priority)["schema"]["custom"] == FLOAT
    assert jira_field(jira, priority)["schema"]["type"] == "number"
    assert jira_field(jira, status)["schema"]["custom"] == TEXT
    assert jira_field(jira, priority)["searchable"] is True
    for screen, tab in {**SHOP_SCREENS, **DEFAULT_SCREENS}.items():
        assert {priority, status} <= set(tab_field_ids(jira, screen, tab)), screen
    landed = {s["name"] for s in rows["priority"]["screens"]}
    assert landed == {
        "SHOP: Scrum Default Issue Screen",
        "SHOP: Scrum Bug Screen",
        "Default Screen",
        "Resolve Issue Screen",
        "Workflow Screen",
    }
    mapped = {f.source: f.tracker_field for f in boards.get("shop").fields}
    assert mapped == {"priority": priority, "score_status": status}


def test_second_run_creates_and_adds_nothing(jira, redis, boards):
    boards.create(shop_board())
    create_fields_in_jira(redis, client_for(jira), "shop")
    count = len(jira.admin("GET", "/rest/api/2/field").json())
    writes = ("POST /rest/api/2/field", "POST /rest/api/2/screens/{screen}/tabs/{tab}/fields")
    before = {k: jira.stats()["requests"].get(k, 0) for k in writes}
    again = create_fields_in_jira(redis, client_for(jira), "shop")
    assert [r["action"] for r in again["fields"]] == ["already_mapped", "already_mapped"]
    assert not any(s["added"] for r in again["fields"] for s in r["screens"])
    assert len(jira.admin("GET", "/rest/api/2/field").json()) == count
    assert again["mapped"] == []
    assert {k: jira.stats()["requests"].get(k, 0) for k in writes} == before


def test_same_named_field_of_right_type_is_reused(jira, redis, boards):
    searcher = "com.atlassian.jira.plugin.system.customfieldtypes:exactnumber"
    body = {"name": "Priority 🛒 Ducalis", "type": FLOAT, "searcherKey": searcher}
    existing = jira.admin("POST", "/rest/api/2/field", json=body).json()["id"]
    boards.create(shop_board(fields=(SyncField("priority", "Priority 🛒 Ducalis"),)))
    result = create_fields_in_jira(redis, client_for(jira), "shop")
    assert result["fields"][0]["action"] == "reused"
    assert boards.get("shop").fields[0].tracker_field == existing
    names = [f["name"] for f in jira.admin("GET", "/rest/api/2/field").json()]
    assert names.count("Priority 🛒 Ducalis") == 1


def test_same_named_field_of_wrong_type_is_reported_not_duplicated(jira, redis, boards):
    boards.create(shop_board(fields=(SyncField("priority", "Team Notes"),)))
    result = create_fields_in_jira(redis, client_for(jira), "shop")
    row = result["fields"][0]
    assert row["action"] == "failed"
    assert "customfield_10101" in row["error"] and "Text field (single line)" in row["error"]
    assert boards.get("shop").fields[0].tracker_field is None
    names = [f["name"] for f in jira.admin("GET", "/rest/api/2/field").json()]
    assert names.count("Team Notes") == 1


def test_ascii_style_creates_ascii_names(jira, redis, boards):
    board = shop_board(options=Options(field_name_style="ascii"))
    board = dataclasses.replace(
        board, fields=(SyncField("score", board.default_field_name("score")),)
    )
    boards.create(board)
    result = create_fields_in_jira(redis, client_for(jira), "shop")
    assert jira_field(jira, result["fields"][0]["field_id"])["name"] == "Score [shop] Ducalis"


def test_active_board_is_refused(jira, redis, boards):
    boards.create(shop_board(active=True))
    with pytest.raises(SetupError, match="deactivate"):
        create_fields_in_jira(redis, client_for(jira), "shop")
    assert all(f.tracker_field is None for f in boards.get("shop").fields)


def test_a_field_written_by_another_board_is_not_reused(jira, redis, boards):
    boards.create(shop_board())
    create_fields_in_jira(redis, client_for(jira), "shop")
    twin = dataclasses.replace(shop_board(), id="shop-2")  # same emoji: same default names
    boards.create(twin)
    result = create_fields_in_jira(redis, client_for(jira), "shop-2")
    assert [r["action"] for r in result["fields"]] == ["failed", "failed"]
    assert "is written by board 'shop'" in result["fields"][0]["error"]
    assert all(f.tracker_field is None for f in boards.get("shop-2").fields)
