"""Behind a trusted reverse proxy the login rate limit counts per real client address; without
one configured, X-Forwarded-For is ignored (a client cannot pick its address)."""

from __future__ import annotations

import re

import pytest

from bridge import config
from tests.conftest import base_env
from worker.settings import ConfigError


def _login(client, forwarded_for: str, password: str):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": "admin", "password": password, "method": "password", "csrf_token": token}
    return client.post(
        "/admin/login",
        data=form,
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.10"},  # every request arrives from nginx
    )


def _app_client(redis_url, jira, proxies: str):
    from bridge import create_app

    env = {**base_env(redis_url, jira_url=jira.url), "SYNCBACK_TRUSTED_PROXIES": proxies}
    return create_app({"TESTING": True}, env=env).test_client


def test_one_attacker_behind_the_proxy_does_not_lock_the_admin_out(redis_url, jira):
    client = _app_client(redis_url, jira, "1")
    attacker = client()
    for _ in range(5):
        assert _login(attacker, "203.0.113.9", "wrong").status_code == 401
    assert _login(attacker, "203.0.113.9", "admin").status_code == 429
    assert _login(client(), "198.51.100.7", "admin").status_code == 302  # the real admin


def test_without_a_trusted_proxy_the_header_cannot_dodge_the_limit(redis_url, jira):
    client = _app_client(redis_url, jira, "0")
    attacker = client()
    for n in range(5):
        assert _login(attacker, f"203.0.113.{n}", "wrong").status_code == 401
    assert _login(attacker, "203.0.113.99", "admin").status_code == 429


@pytest.mark.parametrize("value", ["-1", "one", "9"])
def test_trusted_proxies_typos_are_refused_by_name(value):
    with pytest.raises(ConfigError, match="^SYNCBACK_TRUSTED_PROXIES: "):
        config.load({"SYNCBACK_TRUSTED_PROXIES": value})
