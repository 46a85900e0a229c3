"""/_sim/ui/board/<id>: the backlog in filter order with the card-layout fields."""

from __future__ import annotations

import re

import requests

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call


def card_keys(html: str) -> list[str]:
    return re.findall(r'data-key="([A-Z]+-\d+)"', html)


def test_board_page_lists_issues_in_filter_order_with_card_fields(
    jira: SimServer, admin: Call
) -> None:
    admin("PUT", "/rest/api/2/issue/SHOP-4", json={"fields": {"customfield_10100": 42}})
    admin("POST", "/rest/greenhopper/1.0/cardlayout/1/planMode/field",
          json={"fieldId": "customfield_10100"})  # fmt: skip
    admin("PUT", "/rest/api/2/filter/10000",
          json={"jql": "project = SHOP ORDER BY cf[10100] DESC"})  # fmt: skip
    response = requests.get(jira.url + "/_sim/ui/board/1", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert card_keys(html)[:2] == ["SHOP-4", "SHOP-1"]
    assert len(card_keys(html)) == 30
    assert html.count('data-field="customfield_10100"') == 1  # only SHOP-4 has a value
    assert "Business Value: 42" in html
    assert "ORDER BY cf[10100] DESC" in html


def test_board_page_escapes_values(jira: SimServer, admin: Call) -> None:
    admin("PUT", "/rest/api/2/issue/SHOP-1", json={"fields": {"summary": "<script>x</script>"}})
    html = requests.get(jira.url + "/_sim/ui/board/1", timeout=5).text
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_unknown_board_page_is_404(jira: SimServer) -> None:
    assert requests.get(jira.url + "/_sim/ui/board/9", timeout=5).status_code == 404
