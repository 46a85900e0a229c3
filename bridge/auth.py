"""Who may call what.

- Machines: `Authorization: Bearer $SYNCBACK_API_TOKEN` (constant-time compare).
- People: a session created by the Jira-administrator login (see `bridge/login.py`), signed,
  HttpOnly, SameSite, with an expiry; every state-changing request from a session needs a CSRF
  token (Flask-WTF), sent as the `csrf_token` form field or the `X-CSRFToken` header.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect

from bridge.errors import ForbiddenError, UnauthorizedError

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


def session_user() -> dict[str, Any] | None:
    """The logged-in Jira administrator, or None when absent or expired."""
    user = session.get("user")
    if not user:
        return None
    if user.get("expires_at", 0) < time.time():
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
