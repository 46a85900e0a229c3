"""Who may call what.

- Machines: `Authorization: Bearer $SYNCBACK_API_TOKEN` (constant-time compare).
- People: a session created by the Jira-administrator login (see `bridge/login.py`), signed,
  HttpOnly, SameSite, with an expiry checked here and a session id that logout marks ended in
  Redis (a copied cookie dies with the logout); every state-changing request from a session
  needs a CSRF token (Flask-WTF), sent as the `csrf_token` form field or the `X-CSRFToken`
  header.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect
from redis.exceptions import RedisError

from bridge.errors import ForbiddenError, UnauthorizedError
from bridge.extensions import resources
from worker.settings import KEY_PREFIX

F = TypeVar("F", bound=Callable[..., Any])
csrf = CSRFProtect()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Any) -> None:
    csrf.init_app(app)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> Any:
        from bridge.errors import error_body

        return error_body("csrf_failed", f"CSRF check failed: {exc.description}"), 400


def bearer_ok() -> bool:
    expected = current_app.config.get("SYNCBACK_API_TOKEN")
    header = request.headers.get("Authorization", "")
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), expected.encode())


def ended_key(sid: str) -> str:
    """Redis key marking a session ended by logout (kept until the session would expire)."""
    return f"{KEY_PREFIX}:session-ended:{sid}"


def end_session(user: dict[str, Any]) -> None:
    """Mark the session ended on the server: a copy of its cookie is refused from now on."""
    sid = user.get("sid")
    if sid:
        ttl = max(1, int(user.get("expires_at", 0) - time.time()) + 1)
        resources().redis.set(ended_key(sid), 1, ex=ttl)


def _ended(user: dict[str, Any]) -> bool:
    sid = user.get("sid")
    if not sid:
        return False
    if "session_ended" not in g:
        try:
            g.session_ended = bool(resources().redis.exists(ended_key(sid)))
        except RedisError:
            g.session_ended = True  # cannot tell: refuse rather than honour a logged-out cookie
    return g.session_ended


def session_user() -> dict[str, Any] | None:
    """The logged-in Jira administrator, or None when absent, expired or logged out."""
    user = session.get("user")
    if not user:
        return None
    if user.get("expires_at", 0) < time.time() or _ended(user):
        session.clear()
        return None
    return user


def require_admin(view: F) -> F:
    """API token, or an admin session (plus CSRF token on state-changing methods)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if bearer_ok():
            g.actor = "api-token"
            return view(*args, **kwargs)
        if request.headers.get("Authorization"):
            raise UnauthorizedError("invalid API token")
        user = session_user()
        if user is None:
            raise UnauthorizedError("log in as a Jira administrator, or send the API token")
        if not user.get("is_admin"):
            raise ForbiddenError("a Jira administrator login is required")
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.actor = user["name"]
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
