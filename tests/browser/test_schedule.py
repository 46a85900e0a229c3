"""Sync Back schedule in the browser: by sprint end or custom period, and copy to boards."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, login, shot

FRIDAY = {"mode": "custom", "weekday": "friday", "time": "16:30", "timezone": "Europe/Berlin"}


@pytest.mark.browser
def test_schedule_by_custom_period_and_copy_to_boards(page: Page, stack: Stack) -> None:
    stack.board("shop", "SHOP board", 1, "SHOP")
    stack.board("ops", "OPS board", 2, "OPS")
    stack.board("web", "Web board", 1, "SHOP")
    stack.ok("PUT", "/api/boards/web/schedule", json=FRIDAY)
    login(page, next_path="/admin/boards/shop")
    form = page.locator("#schedule-form")
    expect(form.get_by_label("By sprint end date")).to_be_checked()
    expect(page.locator("#custom-period")).to_be_hidden()

    # Keyboard: arrow keys move between the radio buttons and reveal the period fields.
    form.get_by_label("By sprint end date").focus()
    page.keyboard.press("ArrowDown")
    expect(form.get_by_label("By custom period")).to_be_checked()
    expect(page.locator("#custom-period")).to_be_visible()

    form.get_by_label("Weekday").select_option("friday")
    form.get_by_label("Timezone").select_option("Europe/Berlin")
    form.get_by_label("Time", exact=True).fill("")
    form.get_by_role("button", name="Save schedule").click()
    status = page.locator("#schedule-status")
    expect(status).to_contain_text("$.time")  # the API's error, next to the control
    assert stack.ok("GET", "/api/boards/shop")["schedule"] == {"mode": "sprint_end"}

    form.get_by_label("Time", exact=True).fill("16:30")
    form.get_by_role("button", name="Save schedule").click()
    expect(status).to_contain_text("Saved: By custom period: Fridays at 16:30 (Europe/Berlin)")
    expect(page.locator("#next-sync")).to_contain_text(
        "Nothing is scheduled while Sync Back is off"
    )
    assert stack.ok("GET", "/api/boards/shop")["schedule"] == FRIDAY

    page.get_by_role("button", name="Copy sync schedule settings").click()
    dialog = page.get_by_role("dialog", name="Copy sync schedule settings")
    dialog.get_by_label("OPS board").check()
    dialog.get_by_label("Web board").check()
    dialog.get_by_role("button", name="Copy Settings").click()
    expect(page.locator("#copy-status")).to_contain_text("Copied to 1 board")
    results = page.locator("#copy-results")
    expect(results.locator("tr[data-board=ops]")).to_contain_text("Copied")
    expect(results.locator("tr[data-board=web]")).to_contain_text("Already had this schedule")
    shot(page, "schedule-copy")
    assert stack.ok("GET", "/api/boards/ops")["schedule"] == FRIDAY

    options = page.locator("#options-form")
    options.get_by_label("Issues in scope without a score").select_option("clear")
    options.get_by_role("button", name="Save options").click()
    expect(page.locator("#options-status")).to_contain_text("Options saved")
    saved = stack.ok("GET", "/api/boards/shop")["options"]
    assert (saved["unscored"], saved["out_of_scope"], saved["notify_users"]) == (
        "clear",
        "keep",
        False,
    )

    page.goto("/admin")
    expect(page.locator("tr[data-board=ops]")).to_contain_text(
        "By custom period: Fridays at 16:30 (Europe/Berlin)"
    )
    shot(page, "boards-list")
