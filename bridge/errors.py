"""API errors and the one handler that renders every error as DESIGN §5's JSON shape:
`{"error": {"code", "message", "details": [{"path", "message"}]}}`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        details: list[dict[str, str]] | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.extra = extra or {}
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class ValidationError(ApiError):
    status = 400
    code = "invalid"

    @classmethod
    def from_problems(cls, problems: list[dict[str, str]]) -> ValidationError:
        """A 400 listing every `{"path", "message"}` problem, headed by the first one."""
        first = problems[0]
        return cls(f"{first['path']}: {first['message']}", details=problems)


class NotFoundError(ApiError):
    status = 404
    code = "not_found"


class ConflictError(ApiError):
    status = 409
    code = "conflict"


class UnauthorizedError(ApiError):
    status = 401
    code = "unauthorized"


class ForbiddenError(ApiError):
    status = 403
    code = "forbidden"


class UnavailableError(ApiError):
    status = 503
    code = "unavailable"


def error_body(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _api_error(exc: ApiError) -> ResponseReturnValue:
    body = error_body(exc.code, exc.message, exc.details)
    body["error"].update(exc.extra)
    return jsonify(body), exc.status


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    code = (exc.name or "error").lower().replace(" ", "_")
    return jsonify(error_body(code, exc.description or exc.name)), exc.code or 500


REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)
"""Redis down, slow or failing over (a replica that was master refuses writes): retry later.
Other Redis errors (a wrong command, a key of the wrong type) stay 500s: retrying won't help."""


def _redis_error(exc: Exception) -> ResponseReturnValue:
    """Redis unreachable: a 503 the caller may retry, not an anonymous 500."""
    log.warning("redis.unavailable", extra={"error": str(exc)})
    message = "Sync Back cannot reach its Redis store; try again in a moment"
    return jsonify(error_body("unavailable", message)), 503


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    for exc in REDIS_UNREACHABLE:
        app.register_error_handler(exc, _redis_error)
