"""Webhooks: registration on the version's path (the other 404s), delivery and HMAC signature."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.harness.jira_sim import SimServer
from tests.jira_sim_tests.conftest import Call
from tests.jira_sim_tests.webhook_receiver import Receiver

V9, V10 = "/rest/webhooks/1.0/webhook", "/rest/jira-webhook/1.0/webhooks"
ALL = ["jira:issue_updated", "sprint_started", "sprint_closed", "sprint_updated",
       "board_configuration_changed"]  # fmt: skip


def register(admin: Call, path: str, url: str, **extra: object) -> dict:
    response = admin("POST", path, json={"name": "syncback", "url": url, "events": ALL, **extra})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("version", "good", "bad"), [("10.3", V10, V9), ("9.12", V9, V10)])
def test_registration_path_depends_on_version(
    jira: SimServer, admin: Call, version: str, good: str, bad: str
) -> None:
    jira.reset(version=version)
    assert admin("GET", bad).status_code == 404
    assert (
        admin("POST", bad, json={"name": "x", "url": "http://x", "events": ALL}).status_code == 404
    )  # noqa: E501
    hook = register(admin, good, "http://127.0.0.1:9/hook")
    listed = admin("GET", good).json()
    assert len(listed) == 1 and listed[0]["url"] == "http://127.0.0.1:9/hook"
    if version == "9.12":
        assert hook["self"].endswith(f"{V9}/1")
    else:
        assert hook["id"] == 1 and hook["active"] is True and "createdDate" in hook


def test_webhook_crud_on_10(admin: Call) -> None:
    hook = register(admin, V10, "http://127.0.0.1:9/a")
    path = f"{V10}/{hook['id']}"
    assert admin("GET", path).json()["url"] == "http://127.0.0.1:9/a"
    body = {"name": "renamed", "url": "http://127.0.0.1:9/b", "events": ["sprint_closed"]}
    updated = admin("PUT", path, json=body).json()
    assert updated["name"] == "renamed" and updated["events"] == ["sprint_closed"]
    assert admin("DELETE", path).status_code == 204
    assert admin("GET", path).status_code == 404


def test_registration_needs_admin_and_valid_input(admin: Call, dev: Call) -> None:
    assert dev("GET", V10).status_code == 403
    bad = admin("POST", V10, json={"name": "", "url": "ftp://x", "events": ["nope"]})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"name", "url", "events"}


def test_secret_is_refused_on_9(jira: SimServer, admin: Call) -> None:
    jira.reset(version="9.12")
    body = {"name": "x", "url": "http://x", "events": ALL, "secret": "s"}
    response = admin("POST", V9, json=body)
    assert response.status_code == 400 and "secret" in response.json()["errors"]


def test_issue_updated_is_delivered_with_server_changelog_and_signature(
    admin: Call, receiver: Receiver
) -> None:
    register(admin, V10, receiver.url + "/hook/{issue.key}", secret="s3cret")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 8}})
    [delivery] = receiver.wait_for(1)
    body = delivery.body
    assert delivery.path == "/hook/SHOP-2"
    assert body["webhookEvent"] == "jira:issue_updated"
    assert body["issue_event_type_name"] == "issue_updated"
    assert body["issue"]["key"] == "SHOP-2"
    assert body["issue"]["fields"]["customfield_10100"] == 8.0
    assert body["user"]["name"] == "admin"
    assert body["changelog"]["items"] == [
        {"field": "Business Value", "fieldtype": "custom", "from": None, "fromString": None,
         "to": None, "toString": "8"}
    ]  # fmt: skip
    expected = hmac.new(b"s3cret", delivery.raw, hashlib.sha256).hexdigest()
    assert delivery.headers["x-hub-signature"] == f"sha256={expected}"
    assert delivery.headers["content-type"].startswith("application/json")


def test_unchanged_value_sends_no_event(admin: Call, receiver: Receiver, jira: SimServer) -> None:
    register(admin, V10, receiver.url + "/hook")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": None}})
    jira.flush_webhooks()
    assert receiver.deliveries == []


def test_no_secret_means_no_signature(admin: Call, receiver: Receiver) -> None:
    register(admin, V10, receiver.url + "/hook")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10101": "x"}})
    [delivery] = receiver.wait_for(1)
    assert "x-hub-signature" not in delivery.headers


def test_sprint_close_through_control_api_delivers_sprint_closed(
    jira: SimServer, admin: Call, receiver: Receiver
) -> None:
    register(admin, V10, receiver.url + "/s/{sprint.id}")
    closed = jira.close_sprint(1)
    assert closed["state"] == "closed"
    [delivery] = receiver.wait_for(1)
    assert delivery.path == "/s/1"
    assert delivery.body["webhookEvent"] == "sprint_closed"
    assert delivery.body["sprint"]["id"] == 1 and delivery.body["sprint"]["state"] == "closed"
    assert isinstance(delivery.body["timestamp"], int)


def test_sprint_start_and_update_events(jira: SimServer, admin: Call, receiver: Receiver) -> None:
    register(admin, V10, receiver.url + "/s")
    admin("POST", "/rest/agile/1.0/sprint/1", json={"state": "closed"})
    admin("POST", "/rest/agile/1.0/sprint/2", json={
        "state": "active", "startDate": "2026-12-07T09:00:00.000+0000",
        "endDate": "2026-12-21T09:00:00.000+0000"})  # fmt: skip
    admin("POST", "/rest/agile/1.0/sprint/2", json={"goal": "Ship it"})
    receiver.wait_for(3)
    assert jira.flush_webhooks()
    assert receiver.events() == ["sprint_closed", "sprint_started", "sprint_updated"]
    last = receiver.deliveries[-1].body
    assert last["sprint"]["goal"] == "Ship it" and last["oldValue"]["goal"] == ""


def test_card_layout_change_delivers_board_configuration_changed(
    admin: Call, receiver: Receiver
) -> None:
    register(admin, V10, receiver.url + "/b/{board.id}")
    path = "/rest/greenhopper/1.0/cardlayout/1/planMode/field"
    admin("POST", path, json={"fieldId": "customfield_10100"})
    [delivery] = receiver.wait_for(1)
    assert delivery.path == "/b/1"
    assert delivery.body["webhookEvent"] == "board_configuration_changed"
    assert delivery.body["board"]["id"] == 1


def test_events_not_subscribed_are_not_sent(
    jira: SimServer, admin: Call, receiver: Receiver
) -> None:
    body = {"name": "x", "url": receiver.url + "/only", "events": ["sprint_closed"]}
    admin("POST", V10, json=body)
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    jira.close_sprint(1)
    receiver.wait_for(1)
    assert jira.flush_webhooks()
    assert receiver.events() == ["sprint_closed"]


def test_9_12_delivers_synchronously(jira: SimServer, admin: Call, receiver: Receiver) -> None:
    """Jira 9 delivered in the request thread: the event is there when the PUT returns."""
    jira.reset(version="9.12")
    register(admin, V9, receiver.url + "/nine")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    assert receiver.events() == ["jira:issue_updated"]


def test_unreachable_receiver_is_counted_as_failed(jira: SimServer, admin: Call) -> None:
    register(admin, V10, "http://127.0.0.1:9/closed-port")
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    [attempt] = jira.flush_webhooks()
    assert attempt["error"] == "ConnectionError"
    assert jira.stats()["webhooks"] == {"delivered": 0, "failed": 1}


def test_9_12_applies_the_jql_filter_to_issue_events(
    jira: SimServer, admin: Call, receiver: Receiver
) -> None:
    jira.reset(version="9.12")
    filters = {"issue-related-events-section": "project = OPS"}
    register(admin, V9, receiver.url + "/nine", filters=filters)
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    admin("PUT", "/rest/api/2/issue/OPS-2", json={"fields": {"summary": "renamed"}})
    jira.close_sprint(1)  # sprint events are not JQL-scoped
    assert [
        (d.body["webhookEvent"], d.body.get("issue", {}).get("key")) for d in receiver.deliveries
    ] == [  # noqa: E501
        ("jira:issue_updated", "OPS-2"),
        ("sprint_closed", None),
    ]


def test_9_12_refuses_an_invalid_filter(jira: SimServer, admin: Call) -> None:
    jira.reset(version="9.12")
    body = {"name": "x", "url": "http://x", "events": ALL,
            "filters": {"issue-related-events-section": "nope = 1"}}  # fmt: skip
    response = admin("POST", V9, json=body)
    assert response.status_code == 400 and "filters" in response.json()["errors"]


def test_10_3_silently_ignores_the_9_x_filter_format(admin: Call, receiver: Receiver) -> None:
    """JRASERVER-78733: the old `filters` JQL is accepted but has no effect on 10.x."""
    filters = {"issue-related-events-section": "project = OPS"}
    register(admin, V10, receiver.url + "/ten", filters=filters)
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    [delivery] = receiver.wait_for(1)
    assert delivery.body["issue"]["key"] == "SHOP-2"


def test_exclude_body_posts_an_empty_body(admin: Call, receiver: Receiver) -> None:
    register(admin, V10, receiver.url + "/empty", excludeBody=True)
    admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
    [delivery] = receiver.wait_for(1)
    assert delivery.raw == b""


def test_10_3_delivers_from_a_background_thread(
    jira: SimServer, admin: Call, receiver: Receiver
) -> None:
    """The PUT answers while the receiver is still holding the delivery (async on 10.x)."""
    register(admin, V10, receiver.url + "/slow")
    receiver.gate.clear()
    try:
        put = admin("PUT", "/rest/api/2/issue/SHOP-2", json={"fields": {"customfield_10100": 1}})
        assert put.status_code == 204
        assert receiver.deliveries == []
    finally:
        receiver.gate.set()
    assert receiver.wait_for(1)[0].body["issue"]["key"] == "SHOP-2"
