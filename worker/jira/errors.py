"""A small error hierarchy keyed to what a Jira status means for us.

Jira answers errors with an ErrorCollection `{"errorMessages": [...], "errors": {field: msg}}`
(jira-server-api.md §7); every error keeps both so callers can report per-field problems.
"""

from __future__ import annotations

from typing import Any

import requests


class JiraError(Exception):
    """Any failed Jira call. `reason` is a slug for logs and metrics."""

    reason = "error"

    def __init__(
        self,
        message: str,
        status: int | None = None,
        error_messages: list[str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_messages = error_messages or []
        self.errors = errors or {}

    @property
    def code(self) -> str:
        return f"jira_{self.reason}"


class JiraAuthError(JiraError):
    """401: no or wrong credentials."""

    reason = "unauthorized"


class JiraPermissionError(JiraError):
    """403: authenticated, but not allowed (e.g. notifyUsers=false by a non-admin)."""

    reason = "forbidden"


class JiraNotFoundError(JiraError):
    reason = "not_found"


class JiraValidationError(JiraError):
    """400: Jira refused the input; `errors` maps field ids to Jira's messages."""

    reason = "invalid"


class JiraRateLimitedError(JiraError):
    """429 after our retries ran out."""

    reason = "rate_limited"

    def __init__(self, message: str, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class JiraUnavailableError(JiraError):
    """5xx, a timeout or a refused connection: worth retrying later."""

    reason = "unavailable"


_BY_STATUS: dict[int, type[JiraError]] = {
    400: JiraValidationError,
    401: JiraAuthError,
    403: JiraPermissionError,
    404: JiraNotFoundError,
    429: JiraRateLimitedError,
}


def from_response(method: str, path: str, response: requests.Response) -> JiraError:
    """Translate a non-2xx response into the matching error, keeping Jira's messages."""
    error_messages: list[str] = []
    errors: dict[str, str] = {}
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error_messages = [str(m) for m in body.get("errorMessages") or []]
        errors = {str(k): str(v) for k, v in (body.get("errors") or {}).items()}
    detail = "; ".join(error_messages + [f"{k}: {v}" for k, v in errors.items()])
    if not detail:
        detail = (response.text or response.reason or "").strip()[:200]
    message = f"{method} {path} -> {response.status_code}: {detail}"
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = JiraUnavailableError if response.status_code >= 500 else JiraError
    kw = {"status": response.status_code, "error_messages": error_messages, "errors": errors}
    if cls is JiraRateLimitedError:
        return JiraRateLimitedError(message, retry_after=retry_after_s(response), **kw)
    return cls(message, **kw)


def retry_after_s(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None
