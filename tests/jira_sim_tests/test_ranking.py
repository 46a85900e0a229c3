"""PUT /rest/agile/1.0/issue/rank: before/after, the 50-issue limit, 207 for partial success."""

from __future__ import annotations

import random

import pytest

from tests.harness.jira_sim import SimServer
from tests.jira_sim.ranking import between
from tests.jira_sim_tests.conftest import Call
from tests.jira_sim_tests.webhook_receiver import Receiver

RANK_PATH = "/rest/agile/1.0/issue/rank"


def board_order(admin: Call, count: int = 6) -> list[str]:
    body = {"jql": "project = SHOP ORDER BY Rank ASC", "maxResults": count, "fields": ["summary"]}
    return [i["key"] for i in admin("POST", "/rest/api/2/search", json=body).json()["issues"]]


def test_rank_before_moves_issues_in_the_given_order(jira: SimServer, admin: Call) -> None:
    response = admin(
        "PUT", RANK_PATH, json={"issues": ["SHOP-5", "SHOP-4"], "rankBeforeIssue": "SHOP-2"}
    )  # noqa: E501
    assert response.status_code == 204
    assert board_order(admin) == ["SHOP-1", "SHOP-5", "SHOP-4", "SHOP-2", "SHOP-3", "SHOP-6"]
    assert jira.stats()["issue_writes"] == 2


def test_rank_after_and_to_the_top(admin: Call) -> None:
    admin("PUT", RANK_PATH, json={"issues": ["SHOP-1"], "rankAfterIssue": "SHOP-3"})
    assert board_order(admin, 4) == ["SHOP-2", "SHOP-3", "SHOP-1", "SHOP-4"]
    admin("PUT", RANK_PATH, json={"issues": ["SHOP-30"], "rankBeforeIssue": "SHOP-2"})
    assert board_order(admin, 2) == ["SHOP-30", "SHOP-2"]
    admin("PUT", RANK_PATH, json={"issues": ["SHOP-2"], "rankAfterIssue": "SHOP-29"})
    assert board_order(admin, 30)[-1] == "SHOP-2"


def test_unknown_issue_gives_207_with_entries(admin: Call) -> None:
    body = {"issues": ["SHOP-3", "SHOP-99"], "rankBeforeIssue": "SHOP-1"}
    response = admin("PUT", RANK_PATH, json=body)
    assert response.status_code == 207
    entries = {e["issueKey"]: e for e in response.json()["entries"]}
    assert entries["SHOP-3"]["status"] == 200
    assert entries["SHOP-99"]["status"] == 404 and entries["SHOP-99"]["errors"]
    assert board_order(admin, 1) == ["SHOP-3"]


@pytest.mark.parametrize(
    "body",
    [
        {"issues": [f"SHOP-{n}" for n in range(1, 52)], "rankBeforeIssue": "SHOP-1"},
        {"issues": ["SHOP-2"]},
        {"issues": ["SHOP-2"], "rankBeforeIssue": "SHOP-1", "rankAfterIssue": "SHOP-3"},
        {"issues": ["SHOP-2"], "rankBeforeIssue": "SHOP-1", "rankCustomFieldId": 10100},
        {"issues": [], "rankBeforeIssue": "SHOP-1"},
    ],
)
def test_invalid_rank_requests_are_400_and_change_nothing(admin: Call, body: dict) -> None:
    response = admin("PUT", RANK_PATH, json=body)
    assert response.status_code == 400
    assert board_order(admin, 3) == ["SHOP-1", "SHOP-2", "SHOP-3"]


def test_between_keeps_order_under_many_inserts() -> None:
    rng = random.Random(7)
    ranks = [f"0|i{n:07d}:" for n in range(1, 6)]
    for _ in range(2000):
        i = rng.randrange(-1, len(ranks))
        low = ranks[i] if i >= 0 else None
        high = ranks[i + 1] if i + 1 < len(ranks) else None
        ranks.insert(i + 1, between(low, high))
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_repeated_keys_are_ranked_once(admin: Call) -> None:
    body = {"issues": ["SHOP-4", "SHOP-4"], "rankBeforeIssue": "SHOP-1"}
    assert admin("PUT", RANK_PATH, json=body).status_code == 204
    assert board_order(admin, 2) == ["SHOP-4", "SHOP-1"]


def test_rank_change_delivers_issue_updated(admin: Call, receiver: Receiver) -> None:
    hook = {"name": "r", "url": receiver.url + "/r", "events": ["jira:issue_updated"]}
    admin("POST", "/rest/jira-webhook/1.0/webhooks", json=hook)
    admin("PUT", RANK_PATH, json={"issues": ["SHOP-6"], "rankBeforeIssue": "SHOP-2"})
    [delivery] = receiver.wait_for(1)
    assert delivery.body["issue"]["key"] == "SHOP-6"
    assert delivery.body["changelog"]["items"][0]["toString"] == "Ranked higher"
