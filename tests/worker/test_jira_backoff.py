"""worker.jira.backoff: pacing learnt from Jira's X-RateLimit-* headers, shared pauses."""

from __future__ import annotations

from worker.jira.backoff import SharedBackoff

HEADERS = {
    "X-RateLimit-Limit": "100",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Interval-Seconds": "1",
    "X-RateLimit-FillRate": "50",
}


def test_no_headers_means_no_pacing() -> None:
    backoff = SharedBackoff()
    backoff.observe({"Content-Type": "application/json"}, 200)
    assert [backoff.reserve() for _ in range(5)] == [0.0] * 5


def test_empty_bucket_spreads_requests_at_the_fill_rate() -> None:
    backoff = SharedBackoff()
    backoff.observe(HEADERS, 200)
    delays = [backoff.reserve() for _ in range(5)]
    # 50 tokens/s: each further request is due 20 ms after the previous one.
    steps = [b - a for a, b in zip(delays, delays[1:], strict=False)]
    assert delays[0] > 0.015 and all(abs(s - 0.02) < 0.005 for s in steps), delays


def test_remaining_tokens_are_used_without_waiting() -> None:
    backoff = SharedBackoff()
    backoff.observe({**HEADERS, "X-RateLimit-Remaining": "3"}, 200)
    delays = [backoff.reserve() for _ in range(4)]
    assert delays[:3] == [0.0, 0.0, 0.0] and delays[3] > 0.0


def test_eap_header_spelling_and_429_empty_the_bucket() -> None:
    backoff = SharedBackoff()
    eap = {k.replace("X-RateLimit-", "X-RateLimiting-"): v for k, v in HEADERS.items()}
    backoff.observe({**eap, "X-RateLimiting-Remaining": "80"}, 200)
    assert backoff.rate == 50 and backoff.reserve() == 0.0
    backoff.observe(eap, 429)
    assert backoff.reserve() > 0.0


def test_retry_after_pauses_every_caller() -> None:
    backoff = SharedBackoff(base_s=0.5)
    assert backoff.pause(0, retry_after=2.0) == 2.0
    assert 1.5 < backoff.reserve() <= 2.0
    assert backoff.pause(3, retry_after=None) == 4.0  # exponential without Retry-After
