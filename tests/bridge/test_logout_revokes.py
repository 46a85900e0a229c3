"""Logging out ends the session on the server too: a copy of the cookie (another tab's, or one
taken from a shared machine) no longer opens the panel or the API."""

from __future__ import annotations

import re

import pytest

from tests.conftest import base_env


@pytest.fixture
def app_env(redis_url, jira):
    return base_env(redis_url, jira_url=jira.url)


def _form_token(client, path="/admin/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(client):
    data = {"username": "admin", "password": "admin", "method": "password", "next": "/admin"}
    response = client.post("/admin/login", data={**data, "csrf_token": _form_token(client)})
    assert response.status_code == 302


def _panel_token(client):
    page = client.get("/admin/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_a_copied_cookie_stops_working_after_logout(app):
    browser, thief = app.test_client(), app.test_client()
    _login(browser)
    thief.set_cookie("session", browser.get_cookie("session").value)
    assert thief.get("/api/boards").status_code == 200

    logout = browser.post("/admin/logout", data={"csrf_token": _panel_token(browser)})
    assert logout.status_code == 302
    assert thief.get("/api/boards").status_code == 401
    assert thief.get("/admin/").headers["Location"].startswith("/admin/login")


def test_logging_in_again_works_after_logout(app):
    client = app.test_client()
    _login(client)
    client.post("/admin/logout", data={"csrf_token": _panel_token(client)})
    assert client.get("/api/boards").status_code == 401
    _login(client)
    assert client.get("/api/boards").status_code == 200
