"""Fixtures for the simulator's own tests: REST callers as admin/dev and a webhook receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from tests.harness.jira_sim import ADMIN_TOKEN, DEV_TOKEN, SimServer
from tests.jira_sim_tests.webhook_receiver import Receiver

Call = Callable[..., requests.Response]


def _caller(jira: SimServer, token: str) -> Call:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method: str, path: str, **kw: object) -> requests.Response:
        return session.request(method, jira.url + path, timeout=10, **kw)

    return call


@pytest.fixture
def admin(jira: SimServer) -> Call:
    """`admin(method, path, **requests_kwargs)` as the demo administrator (PAT)."""
    return _caller(jira, ADMIN_TOKEN)


@pytest.fixture
def dev(jira: SimServer) -> Call:
    """The same as the ordinary user `dev` (no ADMINISTER)."""
    return _caller(jira, DEV_TOKEN)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()
