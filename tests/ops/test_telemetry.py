"""worker.telemetry: counters and histograms kept in Redis, read back for /metrics."""

from __future__ import annotations

from collections import Counter

import pytest
import redis as redis_lib

from tests.harness.processes import free_port
from worker import telemetry


def _counter(redis, name):
    return {tuple(sorted(s.labels.items())): s.value for s in dict(telemetry.counters(redis))[name]}


def test_record_adds_per_label_set_whatever_the_key_order(redis):
    telemetry.record(redis, "sync_runs", {"board": "shop", "state": "succeeded"})
    telemetry.record(redis, "sync_runs", {"state": "succeeded", "board": "shop"}, 2)
    telemetry.record(redis, "sync_runs", {"board": "ops", "state": "failed"})
    assert _counter(redis, "sync_runs") == {
        (("board", "shop"), ("state", "succeeded")): 3.0,
        (("board", "ops"), ("state", "failed")): 1.0,
    }


def test_label_values_with_separators_survive(redis):
    telemetry.observe(redis, "job_duration_seconds", {"func": 'a|b"c\nd'}, 0.2)
    [(name, [sample])] = list(telemetry.histograms(redis))
    assert sample.labels == {"func": 'a|b"c\nd'}
    assert sample.count == 1


def test_observe_fills_cumulative_buckets_sum_and_count(redis):
    for seconds in (0.05, 3.0, 3.0, 7200.0):
        telemetry.observe(redis, "sync_run_duration_seconds", {"board": "shop"}, seconds)
    [(name, [sample])] = list(telemetry.histograms(redis))
    buckets = dict(sample.buckets)
    assert name == "sync_run_duration_seconds"
    assert buckets[0.1] == 1
    assert buckets[2.5] == 1
    assert buckets[5.0] == 3
    assert buckets[3600.0] == 3  # the 2-hour run only counts in +Inf (= count)
    assert sample.count == 4
    assert sample.total == pytest.approx(7206.05)


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="metric name"):
        telemetry.record(None, "Bad-Name", {})
    with pytest.raises(ValueError, match="label name 'Board'"):
        telemetry.record(None, "sync_runs", {"Board": "x"})
    with pytest.raises(ValueError, match=">= 0"):
        telemetry.observe(None, "job_duration_seconds", {}, -1)


def test_jira_stats_flush_maps_statuses_retries_and_429s(redis):
    stats = Counter({"status_200": 5, "status_429": 2, "retry": 2, "transport_error": 1})
    telemetry.record_jira_stats(redis, stats)
    assert _counter(redis, "jira_requests") == {
        (("status", "200"),): 5.0,
        (("status", "429"),): 2.0,
        (("status", "transport_error"),): 1.0,
    }
    assert _counter(redis, "jira_rate_limited") == {(): 2.0}
    assert _counter(redis, "jira_retries") == {(): 2.0}


def test_recording_never_breaks_a_job_when_redis_is_down(caplog):
    dead = redis_lib.Redis(port=free_port(), socket_connect_timeout=0.2, retry=None)
    telemetry.record(dead, "sync_runs", {"board": "x"})
    telemetry.observe(dead, "job_duration_seconds", {"func": "f"}, 1.0)
    assert [r.msg for r in caplog.records].count("telemetry.lost") == 2
