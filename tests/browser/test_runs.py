"""Runs in the browser: the progress bar, preview before writing, sync, and revert."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    Stack,
    assert_every_control_labelled,
    login,
    shot,
    wait_ready,
)

PROGRESS_LOG = """() => {
  window.__progress = [];
  window.__samePage = true;
  const bar = document.querySelector("#sync-progress .progress-bar");
  new MutationObserver(() => window.__progress.push(
    [Number(bar.getAttribute("aria-valuenow")), Number(bar.getAttribute("aria-valuemax"))]
  )).observe(bar, { attributes: true, attributeFilter: ["aria-valuenow"] });
}"""
"""Records every value the progress bar shows (and marks the page, to prove no reload)."""


@pytest.mark.browser
def test_manual_sync_shows_progress_until_100_percent(page: Page, stack: Stack) -> None:
    stack.jira.reset(dataset="demo", issues=150)
    ids = stack.active_board(scores=150)
    stack.jira.configure(latency_ms=60)  # writes take >= 150/8 * 60 ms: several polls see them
    login(page, next_path="/admin/boards/shop")
    page.evaluate(PROGRESS_LOG)
    page.get_by_role("button", name="Manual Sync with Jira").click()
    status = page.locator("#sync-status")
    # SHOP-25, -50, ... -150 are Closed: skipped, and the run still succeeds.
    expect(status).to_contain_text("Sync succeeded: 144 written, 0 unchanged, 6 skipped, 0 failed")
    bar = page.locator("#sync-progress .progress-bar")
    expect(bar).to_have_attribute("aria-valuenow", "150")
    expect(bar).to_have_attribute("aria-valuemax", "150")
    expect(page.locator("#sync-progress .progress-percent")).to_have_text("100")
    expect(page.locator("#sync-progress")).to_have_class(re.compile(r"\bcomplete\b"))
    shot(page, "runs-manual-sync-100-percent")
    seen = page.evaluate("window.__samePage && window.__progress")
    assert seen, "the progress bar was never updated in place"
    done = [d for d, _ in seen]
    assert done == sorted(done), f"progress went backwards: {done}"
    assert seen[-1] == [150, 150]
    # The worker flushes progress every 0.5 s and the writes take over a second: the bar is
    # seen part-way, updated in place (the page was never reloaded: __samePage survived).
    assert any(0 < d < 150 for d in done), f"no intermediate progress shown: {seen}"
    assert stack.jira.field("SHOP-42", ids["priority"]) == 42

    # Reversed scores change every rank; a reload mid-run picks the running sync up again.
    items = [{"issue": f"SHOP-{n}", "score": n} for n in range(1, 151)]
    stack.ok("PUT", "/api/boards/shop/scores", json={"scores": items})
    stack.jira.configure(latency_ms=200)  # about 4 s of writes: time to reload in the middle
    page.get_by_role("button", name="Manual Sync with Jira").click()
    expect(status).to_contain_text("Sync running")
    page.reload()
    expect(status).to_contain_text("Sync running")
    expect(status).to_contain_text("Sync succeeded: 144 written, 0 unchanged, 6 skipped, 0 failed")
    expect(page.locator("#sync-progress .progress-percent")).to_have_text("100")
    assert stack.jira.field("SHOP-42", ids["priority"]) == 109


@pytest.mark.browser
def test_preview_then_sync_then_revert(page: Page, stack: Stack) -> None:
    ids = stack.active_board()
    login(page, next_path="/admin/boards/shop")

    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#sync-status")).to_contain_text("Nothing was written")
    changes = page.locator("#sync-result")
    expect(changes.get_by_role("heading")).to_contain_text("Changes a sync would make")
    row = changes.locator(f"tr[data-issue='SHOP-3'][data-field='{ids['priority']}']")
    expect(row).to_contain_text("Priority 🛒 Ducalis")
    expect(row.locator("td").nth(2)).to_have_text("empty")
    expect(row.locator("td").nth(4)).to_have_text("3")
    shot(page, "runs-preview")
    assert stack.jira.field("SHOP-3", ids["priority"]) is None  # a preview writes nothing

    page.get_by_role("button", name="Manual Sync with Jira").click()
    expect(page.locator("#sync-status")).to_contain_text(
        "Sync succeeded: 29 written, 0 unchanged, 1 skipped, 0 failed."  # SHOP-25 is Closed
    )
    assert stack.jira.field("SHOP-3", ids["priority"]) == 3
    stack.jira.admin(  # someone edits SHOP-4 after the sync: the revert must leave it alone
        "PUT", "/rest/api/2/issue/SHOP-4", json={"fields": {ids["priority"]: 99}}
    ).raise_for_status()

    page.locator("#sync-status").get_by_role("link", name="View run").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sync run")
    wait_ready(page)
    expect(page.locator("#changes-title")).to_contain_text(re.compile(r"Changes \(\d+\)"))
    expect(page.locator("#run-page")).to_contain_text(
        "SHOP-25 is in status Closed, where Jira does not allow edits; skipped"
    )
    shot(page, "runs-sync-run-page")
    assert_every_control_labelled(page)
    page.get_by_role("button", name="Revert this run").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revert run")
    expect(page.locator("#run-status")).to_contain_text("Revert succeeded")
    expect(page.locator("#run-page")).to_contain_text("changed_since")
    shot(page, "runs-revert")
    assert stack.jira.field("SHOP-3", ids["priority"]) is None
    assert stack.jira.field("SHOP-4", ids["priority"]) == 99
