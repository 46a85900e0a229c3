"""`syncback register-webhooks` against the simulator: 9.x and 10.x paths, update never
duplicate, --dry-run changes nothing, the token never printed in full; signed delivery on 10.x."""

from __future__ import annotations

import subprocess
import sys

import pytest
from redis import Redis

from tests.bridge.webhook_e2e_support import BridgeServer, finished_runs, wait_for
from tests.bridge.webhook_support import make_board
from tests.conftest import WEBHOOK_TOKEN, base_env
from tests.harness.jira_sim import SimServer
from tests.harness.processes import ROOT
from worker.model import Score
from worker.store import ScoreStore

PUBLIC_URL = "http://127.0.0.1:8765"
PATHS = {"9.12": "/rest/webhooks/1.0/webhook", "10.3": "/rest/jira-webhook/1.0/webhooks"}


def cli(jira: SimServer, *args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        **base_env("redis://127.0.0.1:1/0", jira.url),
        "SYNCBACK_PUBLIC_URL": PUBLIC_URL,
        "PATH": "/usr/bin:/bin",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", "register-webhooks", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def hooks(jira: SimServer, version: str) -> list[dict]:
    response = jira.admin("GET", PATHS[version])
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("version", ["9.12", "10.3"])
def test_registers_once_on_the_versions_path(jira: SimServer, version: str) -> None:
    jira.reset(dataset="demo", version=version)
    try:
        dry = cli(jira, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "would create webhook" in dry.stdout and PATHS[version] in dry.stdout
        assert hooks(jira, version) == []

        first = cli(jira)
        assert first.returncode == 0, first.stderr
        assert "create webhook 1" in first.stdout
        again = cli(jira)
        assert "keep webhook 1" in again.stdout
        [hook] = hooks(jira, version)
        assert hook["url"] == f"{PUBLIC_URL}/webhooks/jira/{WEBHOOK_TOKEN}"
        assert "sprint_closed" in hook["events"] and "jira:issue_updated" in hook["events"]

        rotated = cli(jira, SYNCBACK_WEBHOOK_TOKEN="rotated-token-abcdefghijkl")
        assert "update webhook 1" in rotated.stdout
        [hook] = hooks(jira, version)
        assert hook["url"].endswith("/webhooks/jira/rotated-token-abcdefghijkl")
        for out in (dry, first, again, rotated):
            assert WEBHOOK_TOKEN not in out.stdout + out.stderr
            assert "rotated-token-abcdefghijkl" not in out.stdout + out.stderr
    finally:
        jira.reset(dataset="demo")


def test_missing_configuration_names_the_variable(jira: SimServer) -> None:
    result = cli(jira, SYNCBACK_PUBLIC_URL="")
    assert result.returncode == 2
    assert "SYNCBACK_PUBLIC_URL" in result.stderr
    assert jira.admin("GET", PATHS["10.3"]).json() == []


def test_signed_delivery_from_jira_10_is_accepted(
    redis: Redis,
    redis_url: str,
    jira: SimServer,
    tmp_path_factory: pytest.TempPathFactory,
    worker: object,
) -> None:
    secret = "webhook-hmac-secret-0123456789"
    bridge = BridgeServer(
        redis_url,
        jira.url,
        tmp_path_factory.mktemp("signed") / "bridge.log",
        extra_env={"SYNCBACK_WEBHOOK_SECRET": secret},
    )
    try:
        make_board(redis)
        ScoreStore(redis).put("shop", [Score("SHOP-1", 5.0)])
        result = cli(jira, SYNCBACK_PUBLIC_URL=bridge.url, SYNCBACK_WEBHOOK_SECRET=secret)
        assert result.returncode == 0, result.stderr
        assert secret not in result.stdout
        jira.close_sprint(1)
        deliveries = jira.flush_webhooks()
        # (the run's own edits may already be delivered too: every delivery must be accepted)
        assert ("sprint_closed", 204) in [(d["event"], d.get("status")) for d in deliveries]
        assert {d.get("status") for d in deliveries} == {204}
        wait_for("the sprint-end run", lambda: finished_runs(redis))
        # a delivery without the signature is refused
        assert bridge.post({"webhookEvent": "sprint_closed", "sprint": {"id": 1}}) == 401
    finally:
        bridge.stop()


@pytest.fixture
def app_env(redis_url: str, jira: SimServer) -> dict[str, str]:
    return base_env(redis_url, jira.url)
