"""Every route of the URL map refuses callers without credentials, so a new route cannot forget.

The walk is built from `app.url_map`, not from a list kept by hand: a route added tomorrow is
walked too. A refusal is a 401/403 (API, webhooks, metrics), a redirect to the login page (admin
pages) or, for a session without its CSRF token, a 400 `csrf_failed`; a 404 or 400 about the
placeholder ids would not count, so a route without a guard cannot pass by accident.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from flask import Flask

from bridge import create_app
from tests.conftest import base_env

OPEN = {
    ("GET", "/api/health"),  # DESIGN §5: open
    ("GET", "/admin/login"),  # the login form
    ("POST", "/admin/login"),  # checks credentials itself (CSRF + Jira)
    ("GET", "/static/<path:filename>"),  # CSS, JS, the logo
}
"""The only routes that may answer without credentials."""

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
LOGIN_PATH = "/admin/login"


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(method, rule, url) for every route, placeholders filled with a harmless id."""
    routes = []
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", "x1").replace(f"<path:{arg}>", "x1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule, url))
    return sorted(routes)


def _refused(response, rule: str) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code == 400:  # the CSRF check runs before anything else (logout)
        return (response.get_json(silent=True) or {}).get("error", {}).get("code") == "csrf_failed"
    if 300 <= response.status_code < 400 and rule.startswith("/admin"):
        return urlsplit(response.headers["Location"]).path == LOGIN_PATH
    return False


def _admin_session(client, **changes) -> None:
    user = {"name": "admin", "display_name": "Ada", "is_admin": True}
    user |= {"expires_at": int(time.time()) + 3600, **changes}
    with client.session_transaction() as sess:
        sess["user"] = user


@pytest.fixture(scope="module")
def walk_app(redis_server) -> Flask:
    return create_app({"TESTING": True}, env=base_env(redis_server.url))


def test_the_walk_sees_every_kind_of_route(walk_app):
    rules = {rule for _, rule, _ in _routes(walk_app)}
    assert {"/api/boards", "/admin/", "/metrics", "/webhooks/jira/<token>"} <= rules
    assert {(m, r) for m, r, _ in _routes(walk_app)} >= OPEN  # the allow-list names real routes


CREDENTIALS = {
    "none": {},
    "wrong token": {"Authorization": "Bearer not-the-token-0123456789"},
    "empty bearer": {"Authorization": "Bearer "},
    "basic": {"Authorization": "Basic YWRtaW46YWRtaW4="},
}


@pytest.mark.parametrize("who", CREDENTIALS)
def test_no_route_answers_without_credentials(walk_app, who):
    client = walk_app.test_client()
    answered = []
    for method, rule, url in _routes(walk_app):
        if (method, rule) in OPEN:
            continue
        response = client.open(url, method=method, headers=CREDENTIALS[who], json={})
        if not _refused(response, rule):
            answered.append(f"{method} {url} -> {response.status_code}")
    assert answered == []


@pytest.mark.parametrize(
    "session",
    [{"expires_at": 0}, {"is_admin": False}],
    ids=["expired session", "not an administrator"],
)
def test_no_route_answers_to_an_expired_or_non_admin_session(walk_app, session):
    answered = []
    for method, rule, url in _routes(walk_app):
        if (method, rule) in OPEN:
            continue
        client = walk_app.test_client()
        _admin_session(client, **session)
        response = client.open(url, method=method, json={})
        if not _refused(response, rule):
            answered.append(f"{method} {url} -> {response.status_code}")
    assert answered == []


def test_no_state_change_from_a_session_without_csrf_token(walk_app):
    client = walk_app.test_client()
    _admin_session(client)
    answered = []
    for method, rule, url in _routes(walk_app):
        if method not in STATE_CHANGING or (method, rule) in OPEN:
            continue
        response = client.open(url, method=method, json={})
        if not _refused(response, rule):
            answered.append(f"{method} {url} -> {response.status_code}")
    assert answered == []


@pytest.mark.parametrize("variable", ["SYNCBACK_API_TOKEN", "SYNCBACK_WEBHOOK_TOKEN"])
def test_an_empty_token_never_means_open(redis_server, variable):
    app = create_app({"TESTING": True}, env={**base_env(redis_server.url), variable: ""})
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        assert client.get("/api/boards", headers=headers).status_code == 401
        assert client.get("/metrics", headers=headers).status_code == 401
    for token in ("None", "null", "%20"):
        assert client.post(f"/webhooks/jira/{token}", json={}).status_code == 401


@pytest.mark.parametrize("variable", ["SYNCBACK_API_TOKEN", "SYNCBACK_WEBHOOK_TOKEN"])
@pytest.mark.parametrize("value", ["a", "x" * 15, " padded-token-0123456789 "])
def test_a_guessable_token_is_refused_at_start(variable, value):
    from bridge import config
    from worker.settings import ConfigError

    with pytest.raises(ConfigError, match=f"^{variable}: must be at least 16"):
        config.load({variable: value})
