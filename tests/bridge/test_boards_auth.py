"""Who may use the admin API: the API token, or a Jira administrator's session plus CSRF.

Logins are checked against the simulated Jira (admin/admin is an administrator, dev/dev is not).
"""

from __future__ import annotations

import base64
import re
import time
import zlib

import pytest

from tests.bridge.boards_support import SHOP
from tests.conftest import base_env


@pytest.fixture
def app_env(redis_url, jira):
    return base_env(redis_url, jira_url=jira.url)


def csrf_from_form(client, path="/admin/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(
    client, username="admin", password="admin", method="password", next_="/admin", token=None
):
    data = {"username": username, "password": password, "method": method, "next": next_}
    data["csrf_token"] = token if token is not None else csrf_from_form(client)
    return client.post("/admin/login", data=data)


def session_user(client):
    with client.session_transaction() as sess:
        return sess.get("user")


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "log in as a Jira administrator, or send the API token"),
        ({"Authorization": "Bearer wrong-token"}, "invalid API token"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "invalid API token"),
    ],
)
@pytest.mark.parametrize(("method", "path"), [("GET", "/api/boards"), ("POST", "/api/boards")])
def test_no_or_wrong_token_is_401_and_changes_nothing(
    client, redis, headers, message, method, path
):
    response = client.open(path, method=method, headers=headers, json=SHOP)
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == message
    assert not redis.exists("syncback:board:shop")


def test_login_form_has_labels_and_csrf(client):
    page = client.get("/admin/login").get_data(as_text=True)
    assert '<label for="username">' in page and '<label for="password">' in page
    assert re.search(r'name="csrf_token" value="[^"]+"', page)


def test_admin_login_then_api_needs_csrf_for_changes(client, redis):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin"
    user = session_user(client)
    assert user["name"] == "admin" and user["is_admin"] is True
    assert user["display_name"] == "Ada Admin"
    assert user["expires_at"] > time.time() + 3600
    assert client.get("/api/boards").status_code == 200
    refused = client.post("/api/boards", json=SHOP)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert not redis.exists("syncback:board:shop")
    created = client.post("/api/boards", json=SHOP, headers={"X-CSRFToken": _token(client)})
    assert created.status_code == 201


def _token(client):
    """The CSRF token of the session, read where the panel's JavaScript reads it."""
    page = client.get("/admin", follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_personal_access_token_login(client):
    response = login(client, username="", password="demo-admin-token", method="token")
    assert response.status_code == 302
    assert session_user(client)["name"] == "admin"


def test_non_administrator_is_refused_with_a_clear_message(client):
    response = login(client, username="dev", password="dev")
    assert response.status_code == 403
    assert "dev is not a Jira administrator" in response.get_data(as_text=True)
    assert session_user(client) is None
    assert client.get("/api/boards").status_code == 401


def test_wrong_password_is_401_page(client):
    response = login(client, password="nope")
    assert response.status_code == 401
    assert "Jira did not accept this username or password." in response.get_data(as_text=True)
    assert session_user(client) is None


def test_missing_csrf_token_on_login_is_refused(client):
    client.get("/admin/login")
    response = client.post(
        "/admin/login", data={"username": "admin", "password": "admin", "method": "password"}
    )
    assert response.status_code == 400
    assert "The login form expired" in response.get_data(as_text=True)
    assert session_user(client) is None
    forged = login(client, token="forged-token")
    assert forged.status_code == 400
    assert session_user(client) is None


def test_expired_session_is_401(client):
    login(client)
    with client.session_transaction() as sess:
        sess["user"] = {**sess["user"], "expires_at": int(time.time()) - 1}
    response = client.get("/api/boards")
    assert response.status_code == 401
    assert session_user(client) is None


def test_logout_needs_csrf_and_ends_the_session(client):
    login(client)
    assert client.post("/admin/logout").status_code == 400
    assert session_user(client) is not None
    response = client.post("/admin/logout", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert session_user(client) is None
    assert client.get("/api/boards").status_code == 401


def test_failed_logins_are_rate_limited_per_user_and_address(client):
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401
    blocked = login(client, password="admin")
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.get_data(as_text=True)
    assert session_user(client) is None
    other = client.application.test_client()
    assert login(other, username="admin", password="admin").status_code == 429
    assert (
        login(other, username="dev", password="dev").status_code == 403
    )  # other user: counted apart


def test_next_is_only_a_local_path(client):
    assert login(client, next_="//evil.example/x").headers["Location"] == "/admin"
    client.post("/admin/logout", data={"csrf_token": _token(client)})
    assert login(client, next_="/admin/boards/shop").headers["Location"] == "/admin/boards/shop"


def test_no_secret_is_kept_in_the_cookie_or_redis(client, redis):
    login(client, username="", password="demo-admin-token", method="token")
    cookie = client.get_cookie("session").value
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()
    assert '"name":"admin"' in text.replace(" ", "")
    assert "demo-admin-token" not in text
    for key in redis.keys("*"):
        if redis.type(key) == b"string":
            assert b"demo-admin-token" not in redis.get(key)


def test_unreachable_jira_is_a_503_page(redis_url):
    from bridge import create_app
    from tests.harness.processes import free_port

    env = base_env(redis_url, jira_url=f"http://127.0.0.1:{free_port()}")
    client = create_app({"TESTING": True}, env=env).test_client()
    response = login(client)
    assert response.status_code == 503
    assert "Jira did not answer" in response.get_data(as_text=True)
    assert session_user(client) is None


def test_redis_down_refuses_login_with_503_instead_of_skipping_the_limit(jira):
    from bridge import create_app
    from tests.harness.processes import free_port

    env = base_env(f"redis://127.0.0.1:{free_port()}/0", jira_url=jira.url)
    client = create_app({"TESTING": True}, env=env).test_client()
    response = login(client)
    assert response.status_code == 503
    assert "cannot reach its Redis store" in response.get_data(as_text=True)
    assert session_user(client) is None
