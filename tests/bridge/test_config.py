"""Missing or invalid environment variables give one line naming the variable, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bridge import config
from tests.harness.processes import ROOT
from worker.settings import ConfigError


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"JIRA_BASE_URL": "jira.example.com"}, "JIRA_BASE_URL"),
        ({"JIRA_USER": "admin"}, "JIRA_PASSWORD"),
        ({"JIRA_TIMEOUT": "soon"}, "JIRA_TIMEOUT"),
        ({"JIRA_TIMEOUT": "-1"}, "JIRA_TIMEOUT"),
        ({"SYNCBACK_SECRET_KEY": "short"}, "SYNCBACK_SECRET_KEY"),
        ({"SYNCBACK_PUBLIC_URL": "ftp://x"}, "SYNCBACK_PUBLIC_URL"),
        ({"REDIS_SENTINELS": "host-without-port"}, "REDIS_SENTINELS"),
    ],
)
def test_invalid_variable_is_named(env, variable):
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        config.load(env)


def test_defaults_load_without_any_variable():
    loaded = config.load({})
    assert loaded["SYNCBACK_SETTINGS"].redis_url == "redis://127.0.0.1:6379/0"
    assert loaded["SYNCBACK_SETTINGS"].jira.base_url is None
    assert loaded["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_jira_settings_repr_hides_credentials():
    loaded = config.load({"JIRA_BASE_URL": "http://j", "JIRA_USER": "u", "JIRA_PASSWORD": "pw123"})
    assert "pw123" not in repr(loaded["SYNCBACK_SETTINGS"])


def test_cli_reports_bad_variable_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "serve", "--dev"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "REDIS_URL": "nonsense"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "syncback: configuration error: REDIS_URL: 'nonsense' is not a URL (redis, rediss, unix)"
    ]
    assert "Traceback" not in result.stderr
