"""One test per recorded payload in tests/payloads/: accepted, and turned into the right job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from redis import Redis

from bridge import events, webhook_counts
from tests.bridge.webhook_support import (
    PAYLOADS,
    URL,
    body,
    make_board,
    payload,
    queued,
)
from worker.connection import get_queue
from worker.model import Score, SyncField
from worker.store import ScoreStore


@pytest.fixture(autouse=True)
def flush_delivery_counts() -> Iterator[None]:
    """Write this test's batched delivery counts while its Redis still runs (not at exit)."""
    yield
    webhook_counts.flush()


def run_queued_jobs(redis: Redis, monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    """Execute the queued jobs' real code in this process (runtime from the environment).

    Not an rq SimpleWorker: its pub/sub thread may take 60 s to stop (sleep_time=60)."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    for job in get_queue(redis).get_jobs():
        job.func(*job.args)
        job.delete()


def test_every_payload_file_has_a_test_here() -> None:
    names = {p.stem for p in PAYLOADS.glob("*.json")}
    tested = {n.removeprefix("test_") for n in globals() if n.startswith("test_")}
    assert names <= tested, f"untested payloads: {sorted(names - tested)}"


def test_jira_issue_updated(client: FlaskClient, redis: Redis) -> None:
    # Server names the custom field "numfield" in the changelog, not customfield_10000.
    make_board(
        redis,
        project_keys=("TES",),
        fields=(SyncField("score", "numfield", "customfield_10000"),),
    )
    events.clear_cache()
    assert client.post(URL, data=body(payload("jira_issue_updated"))).status_code == 204
    touched = [{"field": "numfield", "field_id": None, "from": "445455561", "to": "44545556"}]
    assert queued(redis) == [
        ("worker.jobs.webhooks.on_issue_updated", ["TES-8", "jdoe", touched, 1565574060611])
    ]


def test_jira_issue_updated_of_an_unsynced_field_makes_no_job(
    client: FlaskClient, redis: Redis
) -> None:
    make_board(redis, project_keys=("TES",))
    events.clear_cache()
    assert client.post(URL, data=body(payload("jira_issue_updated"))).status_code == 204
    assert queued(redis) == []


def test_jira_issue_deleted(
    client: FlaskClient, redis: Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_board(redis, project_keys=("BUG",))
    make_board(redis, board_id="other", project_keys=("OPS",))
    ScoreStore(redis).put("shop", [Score("BUG-15", 3.0), Score("BUG-16", 2.0)])
    ScoreStore(redis).put("other", [Score("OPS-1", 1.0)])
    assert client.post(URL, data=body(payload("jira_issue_deleted"))).status_code == 204
    assert queued(redis) == [("worker.jobs.webhooks.on_issue_deleted", ["BUG-15"])]
    run_queued_jobs(redis, monkeypatch, redis_url)
    assert set(ScoreStore(redis).all("shop")) == {"BUG-16"}
    assert set(ScoreStore(redis).all("other")) == {"OPS-1"}


def test_comment_created(client: FlaskClient, redis: Redis) -> None:
    assert client.post(URL, data=body(payload("comment_created"))).status_code == 204
    assert queued(redis) == []


def post_sprint_event(client: FlaskClient, redis: Redis, name: str, job: str) -> None:
    assert client.post(URL, data=body(payload(name))).status_code == 204
    assert queued(redis) == [(f"worker.jobs.webhooks.{job}", [1, 1])]


def test_sprint_started(client: FlaskClient, redis: Redis) -> None:
    post_sprint_event(client, redis, "sprint_started", "on_sprint_changed")


def test_sprint_updated(client: FlaskClient, redis: Redis) -> None:
    post_sprint_event(client, redis, "sprint_updated", "on_sprint_changed")


def test_sprint_closed(client: FlaskClient, redis: Redis) -> None:
    post_sprint_event(client, redis, "sprint_closed", "on_sprint_closed")


def test_board_configuration_changed(client: FlaskClient, redis: Redis) -> None:
    assert client.post(URL, data=body(payload("board_configuration_changed"))).status_code == 204
    assert queued(redis) == [("worker.jobs.webhooks.on_board_configuration_changed", [1])]
    # the same event with the board under `board` (as board_* events carry it)
    alt = {"webhookEvent": "board_configuration_changed", "board": {"id": 2, "name": "OPS"}}
    assert client.post(URL, data=body(alt)).status_code == 204
    assert ("worker.jobs.webhooks.on_board_configuration_changed", [2]) in queued(redis)
