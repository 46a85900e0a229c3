"""Structured logs: JSON lines with context, the level from the environment, secrets redacted."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap

import pytest

from tests.harness.processes import ROOT
from worker import logs
from worker.settings import ConfigError


def run_logging_script(body: str, env: dict[str, str]) -> list[str]:
    """Run `body` after configure_logging() in a fresh interpreter; its stderr lines."""
    code = "from worker.logs import configure_logging\nconfigure_logging()\n" + textwrap.dedent(
        body
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    return proc.stderr.splitlines()


def test_every_line_is_one_json_event_with_level_logger_and_time():
    lines = run_logging_script(
        """
        import logging
        logging.getLogger("syncback.test").info("board.saved", extra={"board": "shop"})
        logging.getLogger("syncback.test").debug("hidden at INFO")
        try:
            1 / 0
        except ZeroDivisionError:
            logging.getLogger("syncback.test").exception("it broke\\nover two lines")
        """,
        {},
    )
    assert len(lines) == 2  # the traceback stays inside its event
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "board.saved" and first["board"] == "shop"
    assert first["level"] == "INFO" and first["logger"] == "syncback.test"
    assert first["timestamp"].startswith("20")
    assert second["level"] == "ERROR" and "ZeroDivisionError" in second["exc_info"]


def test_level_comes_from_syncback_log_level():
    lines = run_logging_script(
        'import logging\nlogging.getLogger("x").debug("shown at DEBUG")',
        {"SYNCBACK_LOG_LEVEL": "debug"},
    )
    assert [json.loads(line)["message"] for line in lines] == ["shown at DEBUG"]


def test_a_bad_level_names_the_variable():
    with pytest.raises(ConfigError, match="SYNCBACK_LOG_LEVEL: 'loud'"):
        logs.parse_level("loud")


SECRETS = {
    "SYNCBACK_API_TOKEN": "api-token-Zq81nd0a9",
    "SYNCBACK_WEBHOOK_TOKEN": "hook-token-Pw72bb1c",
    "SYNCBACK_SECRET_KEY": "secret-key-Mm55tt9e0aa1234",
    "JIRA_USER": "svc-sync",
    "JIRA_PASSWORD": 'pa"ss-W0rd\\x91',
}


def test_leaks_of_known_secrets_and_credential_shapes_are_redacted():
    """The shapes secrets leak in: messages, extras, reprs, URLs, headers, tracebacks."""
    lines = run_logging_script(
        """
        import base64, logging, os
        log = logging.getLogger("leaky")
        e = os.environ
        log.info("token %s in a message", e["SYNCBACK_API_TOKEN"])
        log.info("extra", extra={"settings": {"password": e["JIRA_PASSWORD"]}})
        log.info("url https://jira/webhooks/jira/%s?x=1", e["SYNCBACK_WEBHOOK_TOKEN"])
        log.info("url /webhooks/jira/unknown-guess-9f8e7d?x=1")
        basic = base64.b64encode(f"{e['JIRA_USER']}:{e['JIRA_PASSWORD']}".encode()).decode()
        log.info("headers", extra={"headers": {"Authorization": "Basic " + basic}})
        log.info("headers %s", {"Authorization": "Bearer someone-elses-token-123"})
        log.info("cookie: session=eyJ1c2VyIjp7Im5hbWUiOiJhZG1pbiJ9fQ.Z1a2b3.c4d5e6f7")
        log.info("form password=hunter22&user=x and token: abcdef123456")
        try:
            raise RuntimeError("key was " + e["SYNCBACK_SECRET_KEY"])
        except RuntimeError:
            log.exception("failed")
        """,
        SECRETS,
    )
    text = "\n".join(lines)
    assert len(lines) == 9
    for value in SECRETS.values():
        if value != "svc-sync":  # a user name is not a secret
            assert value not in text and json.dumps(value)[1:-1] not in text, value
    for leaked in (
        "unknown-guess-9f8e7d",
        "someone-elses-token-123",
        "eyJ1c2VyIjp7Im5hbWUiOiJhZG1pbiJ9fQ",
        "hunter22",
        "abcdef123456",
    ):
        assert leaked not in text, leaked
    assert text.count("[REDACTED]") >= 9
    assert json.loads(lines[0])["message"] == "token [REDACTED] in a message"


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_context_from_bind_reaches_every_record_of_its_scope():
    handler = _Keep()
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger("syncback.ctx-test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with logs.bound(request_id="r1", board="shop"):
            logger.info("inside")
            logger.info("explicit wins", extra={"board": "ops"})
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    inside, explicit, outside = handler.records
    assert (inside.request_id, inside.board) == ("r1", "shop")
    assert explicit.board == "ops"
    assert getattr(outside, "request_id", None) is None
