"""The admin session cookie's flags, and the login `next` redirect that must stay on this site."""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

import pytest

from bridge import create_app
from tests.conftest import base_env

HOST = "http://localhost"


def _browser_target(location: str) -> str:
    """Where a browser goes: WHATWG URL parsing drops tab/CR/LF and reads `\\` as `/`."""
    cleaned = location.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
    return urljoin(HOST + "/admin/login", cleaned.strip(" \x00"))


@pytest.fixture
def logged_in(client):
    with client.session_transaction() as sess:
        sess["user"] = {
            "name": "admin",
            "display_name": "Ada",
            "is_admin": True,
            "expires_at": int(time.time()) + 3600,
        }
    return client


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "/\t/evil.example/x",
        "/\n/evil.example/x",
        "/\r\n/evil.example/x",
        "\t//evil.example/x",
        " //evil.example/x",
        "/\\\t/evil.example",
        "https://evil.example/x",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(logged_in, target):
    response = logged_in.get("/admin/login", query_string={"next": target})
    assert response.status_code == 302
    went = urlsplit(_browser_target(response.headers["Location"]))
    assert (went.scheme, went.netloc) == ("http", "localhost")
    assert went.path == "/admin"


def test_next_keeps_a_local_path_with_its_query(logged_in):
    response = logged_in.get("/admin/login", query_string={"next": "/admin/runs/r1?limit=5"})
    assert response.headers["Location"] == "/admin/runs/r1?limit=5"


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "the login form starts a session (its CSRF token)"
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite(client):
    cookie = _session_cookie(client.get("/admin/login"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP demo unless SYNCBACK_COOKIE_SECURE=1


def test_session_cookie_secure_option(redis_url):
    env = {**base_env(redis_url), "SYNCBACK_COOKIE_SECURE": "1"}
    client = create_app({"TESTING": True}, env=env).test_client()
    assert "; Secure" in _session_cookie(client.get("/admin/login", base_url="https://localhost"))


@pytest.mark.parametrize("path", ["/admin/login", "/admin/", "/api/health", "/api/boards"])
def test_pages_cannot_be_framed_or_sniffed(logged_in, path):
    response = logged_in.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SYNCBACK_COOKIE_SECURE": "ture"}, "SYNCBACK_COOKIE_SECURE"),
        ({"SYNCBACK_SESSION_HOURS": "eight"}, "SYNCBACK_SESSION_HOURS"),
        ({"SYNCBACK_SESSION_HOURS": "0"}, "SYNCBACK_SESSION_HOURS"),
        ({"SYNCBACK_SESSION_HOURS": "-1"}, "SYNCBACK_SESSION_HOURS"),
    ],
)
def test_session_settings_typos_are_refused_by_name(env, variable):
    from bridge import config
    from worker.settings import ConfigError

    with pytest.raises(ConfigError, match=f"^{variable}: "):
        config.load(env)


@pytest.mark.parametrize(("value", "secure"), [("1", True), ("true", True), ("0", False)])
def test_cookie_secure_spellings(value, secure):
    from bridge import config

    assert config.load({"SYNCBACK_COOKIE_SECURE": value})["SESSION_COOKIE_SECURE"] is secure


def test_session_lifetime_in_hours():
    from bridge import config

    assert config.load({"SYNCBACK_SESSION_HOURS": "0.5"})["PERMANENT_SESSION_LIFETIME"] == 1800
    assert config.load({})["PERMANENT_SESSION_LIFETIME"] == 8 * 3600
