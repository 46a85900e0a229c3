"""Any JSON body on the board routes: a 2xx or a 4xx in the error shape, never a 500, and a
4xx changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bridge.boards_support import Api, stored

KEYS = [
    "id",
    "name",
    "emoji",
    "jira_board_id",
    "project_keys",
    "jql",
    "options",
    "criteria",
    "fields",
    "source",
    "tracker_field",
    "mode",
    "weekday",
    "time",
    "timezone",
    "to",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["priority", "criterion:reach", "customfield_10100", "custom", "SHOP"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=12,
)
ROUTES = [
    ("POST", "/api/boards"),
    ("PATCH", "/api/boards/shop"),
    ("PUT", "/api/boards/shop/fields"),
    ("PUT", "/api/boards/shop/schedule"),
    ("POST", "/api/boards/shop/schedule/copy"),
]


@pytest.fixture
def api(client, auth_headers):
    api = Api(client, auth_headers)
    api.create()
    return api


@pytest.mark.parametrize(("method", "path"), ROUTES)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=JSON)
def test_any_body_is_answered_without_a_server_error(api, redis, method, path, body):
    before = stored(redis, "shop")
    response = api.call(method, path, body if body is not None else {})
    assert response.status_code < 500
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]
        assert all(d["path"].startswith("$") for d in error["details"])
        assert stored(redis, "shop") == before
