"""Route table: `{name}` path patterns compiled to regexes, one table per owning module."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.jira_sim.web import JiraHttpError, Request, Response

Handler = Callable[[Any, Request], Response]


@dataclass(frozen=True)
class Route:
    """One method + path pattern and its handler."""

    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool


class Routes:
    """Routes declared by one module with the `@routes.get(...)`-style decorators."""

    def __init__(self) -> None:
        self.items: list[Route] = []

    def add(self, method: str, pattern: str, auth: bool = True) -> Callable[[Handler], Handler]:
        """Register a handler for `method pattern`."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")

        def decorate(handler: Handler) -> Handler:
            self.items.append(Route(method, pattern, regex, handler, auth))
            return handler

        return decorate

    def get(self, pattern: str, auth: bool = True) -> Callable[[Handler], Handler]:
        """Register a GET handler."""
        return self.add("GET", pattern, auth)

    def post(self, pattern: str, auth: bool = True) -> Callable[[Handler], Handler]:
        """Register a POST handler."""
        return self.add("POST", pattern, auth)

    def put(self, pattern: str, auth: bool = True) -> Callable[[Handler], Handler]:
        """Register a PUT handler."""
        return self.add("PUT", pattern, auth)

    def delete(self, pattern: str, auth: bool = True) -> Callable[[Handler], Handler]:
        """Register a DELETE handler."""
        return self.add("DELETE", pattern, auth)


class Router:
    """Matches a request to a route; bucketed by the first two path segments."""

    def __init__(self, tables: list[Routes]) -> None:
        self.routes = [route for table in tables for route in table.items]
        self._buckets: dict[str, list[Route]] = {}
        for route in self.routes:
            self._buckets.setdefault(_bucket(route.pattern), []).append(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and path parameters for a request; 404/405 like Jira otherwise."""
        method = "GET" if method == "HEAD" else method  # HEAD is GET without the body
        allowed = False
        for route in self._buckets.get(_bucket(path), ()):
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise JiraHttpError(405, f"Method {method} is not allowed for {path}.")
        # Jira's servlet answers unknown REST paths with a bare 404.
        raise JiraHttpError(404, "null for uri: " + path)


def _bucket(path: str) -> str:
    return "/".join(path.split("/", 3)[:3])
