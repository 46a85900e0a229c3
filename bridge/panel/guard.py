"""Who may see a panel page: a logged-in Jira administrator (login lives in bridge/login.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import redirect, render_template, request
from flask_wtf.csrf import generate_csrf

from bridge.auth import session_user

F = TypeVar("F", bound=Callable[..., Any])

LOGIN_PATH = "/admin/login"
"""DESIGN contract: the login page; `next` brings the administrator back where they were."""


def admin_page(view: F) -> F:
    """Render the page for an administrator; send anyone else to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = session_user()
        if user is None:
            return redirect(f"{LOGIN_PATH}?{urlencode({'next': request.full_path.rstrip('?')})}")
        if not user.get("is_admin"):
            return render_template("panel/refused.html"), 403
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def template_context() -> dict[str, Any]:
    """What every panel page needs: the user, and the CSRF token for panel.js's fetch calls."""
    return {"user": session_user(), "csrf_token_value": generate_csrf()}
