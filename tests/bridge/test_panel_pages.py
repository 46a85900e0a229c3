"""The admin panel's pages and its CSV endpoints through Flask's test client (no browser)."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import UTC, datetime
from zoneinfo import available_timezones

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bridge.extensions import resources
from bridge.panel import views
from worker.model import Board, Criterion, Schedule, Score

CSV = "issue,score,reach\nSHOP-1,40,4\nSHOP-2,55,5\n"


def login_as(client: FlaskClient, is_admin: bool = True, expires_in: int = 3600) -> None:
    with client.session_transaction() as session:
        session["user"] = {
            "name": "admin",
            "display_name": "Ada Admin",
            "is_admin": is_admin,
            "expires_at": int(time.time()) + expires_in,
        }


def csrf_token(client: FlaskClient, path: str = "/admin/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def board(app: Flask) -> Board:
    with app.app_context():
        return resources().boards.create(
            Board(
                id="shop",
                name="Shop roadmap",
                emoji="🛒",
                jira_board_id=1,
                project_keys=("SHOP",),
                criteria=(Criterion("reach", "Reach"),),
            )
        )


def stored(app: Flask) -> dict[str, Score]:
    with app.app_context():
        return resources().scores.all("shop")


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/boards/shop", "/admin/boards/shop/runs", "/admin/runs/abc"]
)
def test_pages_send_anonymous_visitors_to_the_login_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=%2Fadmin%2F")


def test_an_expired_session_is_sent_to_the_login_page(client: FlaskClient) -> None:
    login_as(client, expires_in=-1)
    assert client.get("/admin/").status_code == 302


def test_a_session_without_administer_sees_a_refusal(client: FlaskClient) -> None:
    login_as(client, is_admin=False)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Administer" in response.get_data(as_text=True)


def test_board_page_shows_the_four_steps_and_the_csrf_meta_tag(
    client: FlaskClient, board: Board
) -> None:
    login_as(client)
    page = client.get("/admin/boards/shop").get_data(as_text=True)
    for words in (
        "Step 1: Choose fields to sync",
        "Step 2: Create custom fields in Jira",
        "Step 3: Add custom fields to the board",
        "Step 4: Activate Sync Back",
        "Sync Back Fields",
        "Add Fields",
        "Create in Jira",
        "By sprint end date",
        "By custom period",
        "Copy sync schedule settings",
        "Manual Sync with Jira",
        "Priority 🛒 Ducalis",
        "Europe/Berlin",  # the IANA timezone picker
    ):
        assert words in page, words
    assert re.search(r'<meta name="csrf-token" content="[^"]{20,}"', page)
    # Scripts, styles and icons are served locally: no CDN.
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)


def test_unknown_board_and_run_answer_404_pages(client: FlaskClient) -> None:
    login_as(client)
    response = client.get("/admin/boards/nope")
    assert response.status_code == 404
    assert "There is no board &#39;nope&#39;" in response.get_data(as_text=True)
    assert client.get("/admin/runs/nope").status_code == 404


def test_csv_preview_needs_the_csrf_token(client: FlaskClient, board: Board, app: Flask) -> None:
    login_as(client)
    response = client.post("/admin/boards/shop/scores/preview", data=CSV)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    response = client.post("/admin/boards/shop/scores/import", data=CSV)
    assert response.status_code == 400
    assert stored(app) == {}


def test_csv_preview_reports_every_bad_line_and_stores_nothing(
    client: FlaskClient, board: Board, app: Flask
) -> None:
    login_as(client)
    headers = {"X-CSRFToken": csrf_token(client), "Content-Type": "text/csv"}
    bad = "issue,score,reach\nSHOP-1,x,4\nSHOP-1,3,4\nnope,3,4\n"
    for action in ("preview", "import"):
        response = client.post(f"/admin/boards/shop/scores/{action}", data=bad, headers=headers)
        assert response.status_code == 400
        body = response.json["error"]
        assert body["code"] == "invalid_csv"
        assert [d["line"] for d in body["details"]] == [2, 3, 4]
        assert body["details"][0]["path"] == "line 2, score"
    assert stored(app) == {}


def test_csv_preview_ranks_without_storing_then_import_stores(
    client: FlaskClient, board: Board, app: Flask
) -> None:
    login_as(client)
    headers = {"X-CSRFToken": csrf_token(client), "Content-Type": "text/csv"}
    preview = client.post("/admin/boards/shop/scores/preview", data=CSV, headers=headers).json
    assert preview["rows"] == 2 and preview["new"] == 2 and preview["total_after"] == 2
    assert {r["issue"]: r["priority"] for r in preview["preview"]} == {"SHOP-2": 1, "SHOP-1": 2}
    assert stored(app) == {}

    answer = client.post("/admin/boards/shop/scores/import", data=CSV, headers=headers).json
    assert answer == {"stored": 2, "replace": False, "total": 2}
    assert stored(app)["SHOP-2"].criteria == {"reach": 5.0}

    again = "issue,score\nSHOP-9,1\n"
    answer = client.post(
        "/admin/boards/shop/scores/import?replace=1", data=again, headers=headers
    ).json
    assert answer == {"stored": 1, "replace": True, "total": 1}
    assert set(stored(app)) == {"SHOP-9"}


def test_next_sync_label_follows_the_schedule_and_its_timezone() -> None:
    board = Board(id="shop", name="Shop", emoji="🛒", jira_board_id=1, project_keys=("SHOP",))
    now = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # a Friday
    assert views.next_sync_label(board, [], now).startswith("Nothing is scheduled")
    active = dataclasses.replace(board, active=True)
    assert views.next_sync_label(active, [], now).startswith("At the end of the active sprint")
    end = datetime(2026, 12, 18, 9, 0, tzinfo=UTC)
    assert views.next_sync_label(active, [end], now) == "Friday 18 December 2026, 09:00 UTC"
    friday = Schedule("custom", "friday", "16:30", "Europe/Berlin")
    custom = dataclasses.replace(active, schedule=friday)
    # 16:30 in Berlin is 15:30 UTC in winter: today's slot has not passed yet at 15:00 UTC.
    assert views.next_sync_label(custom, [], now) == (
        "Friday 4 December 2026, 16:30 Europe/Berlin (15:30 UTC)"
    )
    later = datetime(2026, 12, 11, 15, 30, tzinfo=UTC)
    assert views.next_sync_label(custom, [later, end], now).startswith("Friday 11 December")


def test_timezone_picker_offers_every_iana_zone_by_region() -> None:
    groups = dict(views.timezone_groups())
    assert "Europe/Berlin" in groups["Europe"]
    assert "UTC" in groups["Other"]
    offered = {z for zones in groups.values() for z in zones}
    assert offered == available_timezones() - {"localtime", "Factory", "posixrules"}


def test_run_page_lists_changes_by_issue_and_caps_long_lists(
    client: FlaskClient, board: Board, app: Flask
) -> None:
    with app.app_context():
        runs = resources().runs
        run_id = runs.create("shop", "manual")
        changes = [
            {"issue": f"SHOP-{n}", "field": "customfield_10200", "old": None, "new": n}
            for n in range(1005, 0, -1)
        ]
        runs.add_changes(run_id, changes)
        runs.set(run_id, state="succeeded")
    login_as(client)
    page = client.get(f"/admin/runs/{run_id}").get_data(as_text=True)
    assert "Changes (1005)" in page
    assert "Showing the first 1000 of 1005 changes" in page
    rows = re.findall(r"<tr><td>(SHOP-\d+)</td>", page)
    assert rows[:3] == ["SHOP-1", "SHOP-2", "SHOP-3"] and len(rows) == 1000
    assert "Revert this run" in page
