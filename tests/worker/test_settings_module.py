"""worker.settings works as a plain `rq worker -c` settings module (with --serializer json)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer

from tests.harness.processes import ROOT
from worker.connection import get_queue

RQ = str(Path(sys.executable).with_name("rq"))


def run_rq_worker(redis_url: str, *extra: str) -> None:
    subprocess.run(
        [RQ, "worker", "-c", "worker.settings", "--burst", *extra],
        cwd=ROOT, env={**os.environ, "REDIS_URL": redis_url},
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip


def test_rq_cli_with_settings_module_runs_our_json_jobs(redis_url):
    redis = Redis.from_url(redis_url)
    job = get_queue(redis).enqueue("builtins.len", [1, 2, 3])
    run_rq_worker(redis_url, "--serializer", "json")
    done = Job.fetch(job.id, connection=redis, serializer=JSONSerializer)
    assert done.get_status() == "finished"
    assert done.return_value() == 3


def test_without_the_serializer_flag_rq_cannot_read_our_jobs(redis_url):
    # Documents why worker/settings.py says `--serializer json` is required.
    redis = Redis.from_url(redis_url)
    job = get_queue(redis).enqueue("builtins.len", [1, 2, 3])
    run_rq_worker(redis_url)
    assert Job.fetch(job.id, connection=redis, serializer=JSONSerializer).get_status() == "failed"
