"""Jira-administrator login for people: `/admin/login` and `/admin/logout`.

The username and password (or a personal access token) are checked against Jira itself:
`GET /rest/api/2/myself` (who is it) and `GET /rest/api/2/mypermissions` (`ADMINISTER`;
DC returns every permission, jira-server-api.md §1.4). Nothing of the secret is kept: the
session holds only `session["user"]` = {name, display_name, is_admin, expires_at, sid}; logout
marks the sid ended in Redis, so a copy of the cookie stops working too. Failed
attempts are counted per username + client address in Redis and refused past a limit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import secrets
import time
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError

from bridge.auth import csrf, end_session, session_user
from bridge.extensions import resources
from worker.jira import JiraAuthError, JiraClient, JiraError, JiraPermissionError
from worker.settings import KEY_PREFIX

log = logging.getLogger(__name__)
bp = Blueprint("login", __name__)

MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
LOGIN_TIMEOUT_S = 10.0
DEFAULT_NEXT = "/admin"


class LoginRefused(Exception):
    """A login that does not succeed: the status and the message the page shows."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def safe_next(target: str | None) -> str:
    """Only a local path: an open redirect to another site would help phishing."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return DEFAULT_NEXT
    # Browsers drop tab/CR/LF inside a URL and read `\` as `/` (WHATWG URL parsing), so
    # "/<TAB>/evil.example" would become "//evil.example": refuse control characters and `\`.
    # https://url.spec.whatwg.org/#concept-basic-url-parser (steps removing tab/newline; `\`)
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return DEFAULT_NEXT
    return target


def failures_key(username: str) -> str:
    """Redis key counting failed logins of this username from this address."""
    who = f"{username.strip().lower()}|{request.remote_addr or '-'}"
    return f"{KEY_PREFIX}:login-failures:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


def check_rate(username: str) -> None:
    """429 once the username has failed too often from this address."""
    redis = resources().redis
    key = failures_key(username)
    if int(redis.get(key) or 0) >= MAX_FAILURES:
        minutes = max(1, (redis.ttl(key) + 59) // 60)
        raise LoginRefused(
            429,
            f"Too many failed logins for this user from your address. Try again in {minutes} min.",
        )


def count_failure(username: str) -> None:
    """Count one failed login; the window starts with the first failure."""
    redis = resources().redis
    key = failures_key(username)
    with redis.pipeline() as pipe:
        pipe.incr(key)
        pipe.expire(key, FAILURE_WINDOW_S, nx=True)
        pipe.execute()


def check_with_jira(method: str, username: str, secret: str) -> dict[str, Any]:
    """Ask Jira who this is and whether they administer it; LoginRefused otherwise."""
    settings = resources().settings.jira
    if not settings.base_url:
        raise LoginRefused(503, "Jira is not configured (JIRA_BASE_URL); nobody can log in.")
    if method == "token":
        creds = {"token": secret, "user": None, "password": None}
    else:
        creds = {"token": None, "user": username, "password": secret}
    client = JiraClient(dataclasses.replace(settings, timeout_s=LOGIN_TIMEOUT_S, **creds))
    try:
        me = client.myself()
        admin = client.is_admin()
    except JiraAuthError:
        what = "personal access token" if method == "token" else "username or password"
        raise LoginRefused(401, f"Jira did not accept this {what}.") from None
    except JiraPermissionError:
        # After several failures Jira demands a CAPTCHA and denies REST logins (§1.1).
        raise LoginRefused(
            403, "Jira refused the login (it may ask for a CAPTCHA: log in to Jira once first)."
        ) from None
    except JiraError:
        raise LoginRefused(503, "Jira did not answer; try again in a moment.") from None
    name = me.get("name") or username
    if not admin:
        raise LoginRefused(
            403,
            f"{name} is not a Jira administrator. Sync Back administration needs the "
            "Jira permission 'Administer Jira'.",
        )
    return {"name": name, "display_name": me.get("displayName") or name}


def _form(status: int = 200, error: str | None = None, **values: Any) -> ResponseReturnValue:
    return render_template("login.html", error=error, **values), status


@bp.get("/admin/login")
def login_form() -> ResponseReturnValue:
    """The login form (or straight to `next` when already logged in)."""
    target = safe_next(request.args.get("next"))
    if session_user():
        return redirect(target)
    return _form(next=target, username="", method="password")


@bp.post("/admin/login")
def login() -> ResponseReturnValue:
    """Check the credentials against Jira; on success start the admin session."""
    form = request.form
    try:
        csrf.protect()
    except CSRFError:
        # A page left open too long, or a cross-site post: show the form again, check nothing.
        values = {"next": safe_next(form.get("next")), "username": "", "method": "password"}
        return _form(
            400, "The login form expired or did not come from this page; try again.", **values
        )
    method = "token" if form.get("method") == "token" else "password"
    username = form.get("username", "").strip()
    secret = form.get("password", "")
    target = safe_next(form.get("next"))
    values = {"next": target, "username": username, "method": method}
    if not secret or (method == "password" and not username):
        missing = "the token" if method == "token" else "your username and password"
        return _form(400, f"Enter {missing}.", **values)
    try:
        check_rate(username)
        user = check_with_jira(method, username, secret)
        resources().redis.delete(failures_key(username))
    except LoginRefused as refused:
        if refused.status in (401, 403):
            with contextlib.suppress(RedisError):  # the refusal stands either way
                count_failure(username)
        log.info("login.refused", extra={"user": username, "status": refused.status})
        return _form(refused.status, refused.message, **values)
    except RedisError:
        # Without Redis no attempt can be counted: refuse rather than lift the rate limit.
        message = "Sync Back cannot reach its Redis store; try again in a moment."
        return _form(503, message, **values)
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    session.clear()
    session.permanent = True
    session["user"] = {
        **user,
        "is_admin": True,
        "expires_at": int(time.time()) + lifetime,
        "sid": secrets.token_urlsafe(16),  # lets logout end this session server-side
    }
    log.info("login.ok", extra={"user": user["name"]})
    return redirect(target)


@bp.post("/admin/logout")
def logout() -> ResponseReturnValue:
    """End the session (CSRF-checked, so another site cannot log you out)."""
    csrf.protect()
    user = session.get("user")
    if user:
        with contextlib.suppress(RedisError):  # the cookie is cleared below either way
            end_session(user)
    session.clear()
    return redirect("/admin/login")
