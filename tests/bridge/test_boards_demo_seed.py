"""`syncback demo-seed`: the SHOP demo board with scores; a second run changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.harness.processes import ROOT


def run_seed(redis_url):
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "demo-seed"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "REDIS_URL": redis_url},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def snapshot(redis):
    out = {}
    for key in sorted(redis.keys("syncback:*")):
        kind = redis.type(key).decode()
        if kind == "string":
            out[key] = redis.get(key)
        elif kind == "hash":
            out[key] = redis.hgetall(key)
        elif kind == "set":
            out[key] = sorted(redis.smembers(key))
    return out


def test_seed_creates_board_and_scores_then_changes_nothing(redis_url, redis, client, auth_headers):
    first = run_seed(redis_url)
    assert first["board_created"] is True
    assert first["scores_written"] > 20
    state = snapshot(redis)
    second = run_seed(redis_url)
    assert second == {"board": "shop", "board_created": False, "scores_written": 0}
    assert snapshot(redis) == state

    board = client.get("/api/boards/shop", headers=auth_headers).get_json()
    assert board["jira_board_id"] == 1
    assert board["project_keys"] == ["SHOP"]
    assert [c["id"] for c in board["criteria"]] == ["reach", "impact", "confidence", "effort"]
    assert [f["name"] for f in board["fields"]] == ["Priority 🛒 Ducalis", "Alignment 🛒 Ducalis"]
    scores = {k.decode(): json.loads(v) for k, v in redis.hgetall("syncback:scores:shop").items()}
    assert "SHOP-7" not in scores  # every 7th issue is left unscored on purpose
    statuses = {s["status"] for s in scores.values()}
    assert statuses == {"Scored", "Partially scored"}
