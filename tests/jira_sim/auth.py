"""Basic and Bearer (personal access token) authentication, as Jira Server answers it."""

from __future__ import annotations

import base64
import binascii

from tests.jira_sim.state import SimState, User
from tests.jira_sim.web import JiraHttpError, Request

# Jira's seraph filter marks failed logins with this header (jira-server-api.md §1.1).
_FAILED = {
    "X-Seraph-LoginReason": "AUTHENTICATED_FAILED",
    "WWW-Authenticate": 'Basic realm="protected-area"',
}
_ANONYMOUS = "You are not authenticated. Authentication required to perform this operation."


def authenticate(state: SimState, request: Request) -> User:
    """The user behind the Authorization header, or 401 for none, unknown or wrong."""
    header = request.header("authorization")
    if not header:
        raise JiraHttpError(401, _ANONYMOUS)
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    user: User | None = None
    if scheme == "bearer":
        user = state.user_by_token(credentials.strip())
    elif scheme == "basic":
        try:
            name, _, password = base64.b64decode(credentials.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, password = "", ""
        candidate = state.users.get(name)
        # A PAT is not a password: Basic with the token fails (gitlab-org/gitlab#296989).
        if candidate is not None and candidate.password == password:
            user = candidate
    if user is None:
        raise JiraHttpError(401, _ANONYMOUS, headers=dict(_FAILED))
    return user


def require_admin(request: Request, message: str | None = None, status: int = 403) -> None:
    """Admin-only resources answer non-admins with 403 (401 where the spec says so)."""
    if not request.user.admin:
        raise JiraHttpError(
            status, message or "You do not have the permission to perform this operation."
        )
