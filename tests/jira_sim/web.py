"""Request, Response and Jira's error envelope, independent of the HTTP server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


class JiraHttpError(Exception):
    """An error answered with Jira's ErrorCollection `{"errorMessages": [...], "errors": {...}}`."""

    def __init__(
        self,
        status: int,
        messages: list[str] | str | None = None,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if isinstance(messages, str):
            messages = [messages]
        super().__init__(f"{status} {messages} {errors}")
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}
        self.headers = headers or {}

    def response(self) -> Response:
        """The error as Jira's ErrorCollection."""
        body = {"errorMessages": self.messages, "errors": self.errors}
        return json_response(body, self.status, self.headers)


@dataclass
class Request:
    """One HTTP request as handlers see it."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)
    user: Any = None
    route: str = ""
    _query: dict[str, list[str]] | None = None

    @property
    def query(self) -> dict[str, list[str]]:
        """Parsed query parameters."""
        if self._query is None:
            self._query = parse_qs(self.query_string, keep_blank_values=True)
        return self._query

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int) -> int:
        """An integer query parameter, 400 if malformed."""
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise JiraHttpError(
                400, f"Invalid value '{raw}' for query parameter '{name}'."
            ) from None

    def json(self) -> Any:
        """The JSON body, 400 if malformed."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            # Jersey/Jackson answers malformed JSON with 400 and the parser's message.
            raise JiraHttpError(400, f"Unexpected character in JSON body: {exc}") from None

    def json_object(self) -> dict[str, Any]:
        """The JSON body, which must be an object."""
        body = self.json()
        if not isinstance(body, dict):
            raise JiraHttpError(
                400, "Can not deserialize the request body: a JSON object is required."
            )
        return body

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """One HTTP answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A compact JSON answer."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(status, body, dict(headers or {}))


def no_content() -> Response:
    """204."""
    return Response(204, b"", {}, "")


def html_response(text: str, status: int = 200) -> Response:
    """An HTML answer."""
    return Response(status, text.encode(), {}, "text/html;charset=UTF-8")
