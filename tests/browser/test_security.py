"""Who gets in: Jira administrators only; state changes need the CSRF token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, login, shot

FORM_POST = """(action) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  document.body.append(form);
  form.submit();
}"""
"""A plain HTML form post, as another site could make it: the session cookie, no CSRF token."""


@pytest.mark.browser
def test_a_jira_user_without_administer_is_refused_at_login(page: Page, stack: Stack) -> None:
    login(page, "dev", "dev", next_path="/admin/boards/shop")
    expect(page.locator("#login-error")).to_contain_text("dev is not a Jira administrator")
    shot(page, "login-non-admin-refused")
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin"))
    assert stack.call("GET", "/api/boards", headers={"Authorization": ""}).status_code == 401


@pytest.mark.browser
def test_a_form_post_without_the_csrf_token_is_refused(page: Page, stack: Stack) -> None:
    stack.active_board()
    login(page, next_path="/admin/boards/shop")
    expect(page.get_by_role("switch", name="Activate Sync Back")).to_have_attribute(
        "aria-checked", "true"
    )
    with page.expect_navigation():
        page.evaluate(FORM_POST, "/api/boards/shop/deactivate")
    expect(page.locator("body")).to_contain_text("CSRF check failed")
    shot(page, "csrf-form-post-refused")
    assert stack.ok("GET", "/api/boards/shop")["active"] is True

    page.goto("/admin/boards/shop")
    no_header = page.evaluate(
        """() => fetch("/api/boards/shop/deactivate", {method: "POST", credentials: "same-origin"})
                 .then((r) => r.status)"""
    )
    assert no_header == 400
    assert stack.ok("GET", "/api/boards/shop")["active"] is True

    # The same change through the panel (token in X-CSRFToken) goes through.
    page.get_by_role("switch", name="Activate Sync Back").click()
    expect(page.locator("#activate-status")).to_contain_text("Sync Back is off")
    assert stack.ok("GET", "/api/boards/shop")["active"] is False

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    page.goto("/admin/boards/shop")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
