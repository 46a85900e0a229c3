"""Every script and every `syncback` subcommand answers --help with a usage text, exit 0."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.harness.processes import ROOT


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("run", "usage: scripts/run"),
        ("setup", "scripts/setup --test"),
        ("bench", "usage: scripts/bench"),
        ("build-plugin", "usage: syncback build-plugin"),
        ("register-webhooks", "usage: syncback register-webhooks"),
    ],
)
def test_script_help(script, expected):
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / script), "--help"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


@pytest.mark.parametrize(
    "command", ["serve", "worker", "register-webhooks", "build-plugin", "demo-seed"]
)
def test_subcommand_help(command):
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", command, "--help"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: syncback {command}")
    # A real description, not just the argparse skeleton.
    assert len(result.stdout.splitlines()) > 3
