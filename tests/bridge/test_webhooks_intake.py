"""POST /webhooks/jira/<token>: authentication, parsing, shapes, limits, dedup; never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis import Redis

from bridge import create_app, webhook_counts
from tests.bridge.webhook_support import URL, body, payload, queued, sign
from tests.conftest import base_env
from tests.harness.processes import free_port

SECRET = "shared-secret-for-hmac-0123"


@pytest.fixture(autouse=True)
def flush_delivery_counts() -> Iterator[None]:
    """Write this test's batched delivery counts while its Redis still runs (not at exit)."""
    yield
    webhook_counts.flush()


def test_sprint_closed_is_accepted_and_enqueued(client: FlaskClient, redis: Redis) -> None:
    response = client.post(URL, data=body(payload("sprint_closed")))
    assert response.status_code == 204
    assert queued(redis) == [("worker.jobs.webhooks.on_sprint_closed", [1, 1])]


def test_the_same_delivery_three_times_is_one_job(client: FlaskClient, redis: Redis) -> None:
    raw = body(payload("sprint_closed"))
    assert [client.post(URL, data=raw).status_code for _ in range(3)] == [204, 204, 204]
    assert len(queued(redis)) == 1


def test_wrong_token_is_401_and_nothing_enqueued(client: FlaskClient, redis: Redis) -> None:
    response = client.post("/webhooks/jira/not-the-token", data=body(payload("sprint_closed")))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert queued(redis) == []


def test_intake_is_closed_without_a_configured_token(redis_url: str, redis: Redis) -> None:
    env = {**base_env(redis_url), "SYNCBACK_WEBHOOK_TOKEN": ""}
    client = create_app({"TESTING": True}, env=env).test_client()
    assert client.post("/webhooks/jira/x", data=body(payload("sprint_closed"))).status_code == 401
    assert queued(redis) == []


@pytest.fixture
def signed_client(app_env: dict[str, str]) -> FlaskClient:
    env = {**app_env, "SYNCBACK_WEBHOOK_SECRET": SECRET}
    return create_app({"TESTING": True}, env=env).test_client()


def test_valid_signature_is_accepted(signed_client: FlaskClient, redis: Redis) -> None:
    raw = body(payload("sprint_closed"))
    response = signed_client.post(URL, data=raw, headers={"X-Hub-Signature": sign(SECRET, raw)})
    assert response.status_code == 204
    assert len(queued(redis)) == 1


@pytest.mark.parametrize(
    "header",
    [
        None,
        "sha256=" + "0" * 64,
        "sha1=0123",
        "garbage",
        sign("another-secret", body(payload("sprint_closed"))),
    ],
)
def test_wrong_or_missing_signature_is_401(
    signed_client: FlaskClient, redis: Redis, header: str | None
) -> None:
    headers = {"X-Hub-Signature": header} if header else {}
    response = signed_client.post(URL, data=body(payload("sprint_closed")), headers=headers)
    assert response.status_code == 401
    assert queued(redis) == []


def test_signature_over_a_different_body_is_401(signed_client: FlaskClient, redis: Redis) -> None:
    raw = body(payload("sprint_closed"))
    tampered = raw.replace(b'"id": 1', b'"id": 2', 1)
    headers = {"X-Hub-Signature": sign(SECRET, raw)}
    assert signed_client.post(URL, data=tampered, headers=headers).status_code == 401
    assert queued(redis) == []


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"\xff\xfe", b'{"webhookEvent": "sprint_closed"']
)
def test_malformed_json_is_400_at_the_root(client: FlaskClient, redis: Redis, raw: bytes) -> None:
    response = client.post(URL, data=raw)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "$"
    assert queued(redis) == []


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], "$"),
        ({"timestamp": 1}, "$"),
        ({"webhookEvent": 7}, "$.webhookEvent"),
        ({"webhookEvent": "sprint_closed"}, "$"),
        ({"webhookEvent": "sprint_closed", "sprint": {"id": "1"}}, "$.sprint.id"),
        ({"webhookEvent": "sprint_started", "sprint": {"id": 0}}, "$.sprint.id"),
        ({"webhookEvent": "jira:issue_deleted", "issue": {"key": "lower-1"}}, "$.issue.key"),
        (
            {
                "webhookEvent": "jira:issue_updated",
                "issue": {"key": "A-1"},
                "changelog": {"items": [{}]},
            },
            "$.changelog.items[0]",
        ),
        ({"webhookEvent": "board_configuration_changed", "board": {}}, "$.board"),
    ],
)
def test_wrong_shapes_are_400_with_the_json_path(
    client: FlaskClient, redis: Redis, data: object, path: str
) -> None:
    response = client.post(URL, data=body(data))
    assert response.status_code == 400
    details = response.get_json()["error"]["details"]
    assert path in [d["path"] for d in details]
    assert queued(redis) == []


def test_intake_is_csrf_exempt_even_when_csrf_is_on_by_default(
    app_env: dict[str, str], redis: Redis
) -> None:
    client = create_app(
        {"TESTING": True, "WTF_CSRF_CHECK_DEFAULT": True}, env=app_env
    ).test_client()
    assert client.post(URL, data=body(payload("sprint_closed"))).status_code == 204
    assert len(queued(redis)) == 1


def test_deeply_nested_json_is_400_not_500(client: FlaskClient, redis: Redis) -> None:
    response = client.post(URL, data=b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code == 400
    assert queued(redis) == []


def test_integral_float_ids_become_integers(client: FlaskClient, redis: Redis) -> None:
    data = payload("sprint_closed")
    data["sprint"].update(id=1.0, originBoardId=1.0)
    assert client.post(URL, data=body(data)).status_code == 204
    assert queued(redis) == [("worker.jobs.webhooks.on_sprint_closed", [1, 1])]
    assert all(type(a) is int for _, args in queued(redis) for a in args)


def test_ignored_and_unknown_events_are_204_without_a_job(
    client: FlaskClient, redis: Redis
) -> None:
    assert client.post(URL, data=body(payload("comment_created"))).status_code == 204
    unknown = {"webhookEvent": "something_atlassian_adds_later", "x": 1}
    assert client.post(URL, data=body(unknown)).status_code == 204
    assert queued(redis) == []


def test_body_over_the_webhook_limit_is_413(app_env: dict[str, str], redis: Redis) -> None:
    client = create_app(
        {"TESTING": True, "SYNCBACK_WEBHOOK_MAX_BYTES": 2048}, env=app_env
    ).test_client()
    big = payload("sprint_closed")
    big["sprint"]["goal"] = "x" * 4096
    response = client.post(URL, data=body(big))
    assert response.status_code == 413
    assert queued(redis) == []


def test_body_over_the_app_limit_is_413(client: FlaskClient, redis: Redis) -> None:
    response = client.post(URL, data=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert response.status_code == 413
    assert queued(redis) == []


def test_chunked_body_over_the_limit_is_413(app_env: dict[str, str], redis: Redis) -> None:
    import io

    client = create_app(
        {"TESTING": True, "SYNCBACK_WEBHOOK_MAX_BYTES": 2048}, env=app_env
    ).test_client()
    stream = io.BytesIO(body({"webhookEvent": "sprint_closed", "pad": "x" * 5000}))
    response = client.post(
        URL,
        input_stream=stream,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets for chunked
    )
    assert response.status_code == 413
    assert queued(redis) == []


def test_redis_down_is_503(redis_url: str, redis: Redis) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    client = create_app({"TESTING": True}, env=base_env(dead)).test_client()
    response = client.post(URL, data=body(payload("sprint_closed")))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert queued(redis) == []


def test_deliveries_are_counted_by_event_and_outcome(client: FlaskClient, redis: Redis) -> None:
    from worker import telemetry

    webhook_counts.flush()  # counts of earlier tests' apps, not ours
    redis.flushall()
    client.post(URL, data=body(payload("sprint_closed")))
    client.post(URL, data=body(payload("sprint_closed")))
    client.post(URL, data=b"nope")
    client.post("/webhooks/jira/wrong", data=body(payload("sprint_closed")))
    webhook_counts.flush()
    samples = dict(telemetry.counters(redis))["webhook_events"]
    counted = {(s.labels["event"], s.labels["outcome"]): s.value for s in samples}
    assert counted == {
        ("sprint_closed", "enqueued"): 1,
        ("sprint_closed", "duplicate"): 1,
        ("other", "invalid"): 1,
        ("other", "unauthorized"): 1,
    }


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
json_values = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=4),
    st.dictionaries(st.text(max_size=8), json_scalars | st.lists(json_scalars), max_size=4),
    st.fixed_dictionaries({"id": json_scalars, "key": json_scalars, "originBoardId": json_scalars}),
)
events = st.sampled_from(
    ["sprint_started", "sprint_updated", "sprint_closed", "board_configuration_changed",
     "jira:issue_deleted", "jira:issue_updated", "comment_created", "??"]
)  # fmt: skip


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event=events, sprint=json_values, issue=json_values, extra=json_values)
def test_arbitrary_shapes_never_500(
    client: FlaskClient, redis: Redis, event: str, sprint: object, issue: object, extra: object
) -> None:
    redis.delete("rq:queue:syncback")
    data = {"webhookEvent": event, "sprint": sprint, "issue": issue, "board": extra}
    response = client.post(URL, data=json.dumps(data))
    assert response.status_code in (204, 400)
    if response.status_code == 400:
        assert response.get_json()["error"]["details"]
        assert queued(redis) == []
