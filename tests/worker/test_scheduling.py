"""Pure slot arithmetic: weekly slots in IANA zones, DST gaps and folds (no Redis, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.model import Schedule
from worker.scheduling import (
    WEEKDAYS,
    ScheduleError,
    custom_job_id,
    next_custom_slot,
    parse_jira_datetime,
    slot_label,
    tick_slot,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def weekly(weekday: str, at: str, tz: str) -> Schedule:
    return Schedule(mode="custom", weekday=weekday, time=at, timezone=tz)


def test_monday_0900_berlin_follows_the_dst_change() -> None:
    s = weekly("monday", "09:00", "Europe/Berlin")
    assert next_custom_slot(s, utc(2026, 3, 20)) == utc(2026, 3, 23, 8, 0)  # CET, +01:00
    assert next_custom_slot(s, utc(2026, 3, 23, 8, 0)) == utc(2026, 3, 30, 7, 0)  # CEST


def test_a_slot_exactly_now_is_not_next() -> None:
    s = weekly("monday", "09:00", "Europe/Berlin")
    assert next_custom_slot(s, utc(2026, 3, 23, 7, 59, 59)) == utc(2026, 3, 23, 8, 0)
    assert next_custom_slot(s, utc(2026, 3, 23, 8, 0)) == utc(2026, 3, 30, 7, 0)


def test_spring_forward_gap_runs_once_at_the_shifted_time() -> None:
    # 2026-03-29 02:00-03:00 does not exist in Berlin; 02:30 is read with the +01:00 offset.
    s = weekly("sunday", "02:30", "Europe/Berlin")
    first = next_custom_slot(s, utc(2026, 3, 28, 12))
    assert first == utc(2026, 3, 29, 1, 30)
    assert first.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "03:30"
    second = next_custom_slot(s, first)
    assert second == utc(2026, 4, 5, 0, 30)  # 02:30 CEST the week after


def test_fall_back_fold_runs_once_at_the_first_occurrence() -> None:
    # 2026-10-25 02:00-03:00 happens twice in Berlin; only the first 02:30 (CEST) is a slot.
    s = weekly("sunday", "02:30", "Europe/Berlin")
    first = next_custom_slot(s, utc(2026, 10, 24, 12))
    assert first == utc(2026, 10, 25, 0, 30)
    assert next_custom_slot(s, first) == utc(2026, 11, 1, 1, 30)  # not 01:30Z the same day


def test_new_york_spring_forward_and_fall_back() -> None:
    s = weekly("sunday", "02:30", "America/New_York")
    assert next_custom_slot(s, utc(2026, 3, 7)) == utc(2026, 3, 8, 7, 30)
    # US clocks fall back at 02:00, so 01:00-02:00 is the repeated hour there.
    fold = weekly("sunday", "01:30", "America/New_York")
    first = next_custom_slot(fold, utc(2026, 10, 31))
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, the first of the two
    assert next_custom_slot(fold, first) == utc(2026, 11, 8, 6, 30)


def test_half_hour_dst_zone() -> None:
    # Lord Howe Island moves its clocks by 30 minutes (2026-10-04 02:00 -> 02:30).
    s = weekly("sunday", "02:15", "Australia/Lord_Howe")
    slot = next_custom_slot(s, utc(2026, 10, 2))
    local = slot.astimezone(ZoneInfo("Australia/Lord_Howe"))
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-10-04", "02:45")


def test_utc_date_differs_from_local_date() -> None:
    # Monday 01:00 in Tokyo is Sunday 16:00Z: the slot must not be skipped a week.
    s = weekly("monday", "01:00", "Asia/Tokyo")
    assert next_custom_slot(s, utc(2026, 12, 6, 15)) == utc(2026, 12, 6, 16)


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        (weekly("funday", "09:00", "UTC"), "weekday"),
        (weekly("monday", "9:00", "UTC"), "time"),
        (weekly("monday", "24:00", "UTC"), "time"),
        (weekly("monday", "09:00", "Mars/Olympus"), "timezone"),
        (Schedule(mode="sprint_end"), "mode"),
    ],
)
def test_bad_schedules_name_the_field(schedule: Schedule, field: str) -> None:
    with pytest.raises(ScheduleError, match=f"^{field}:"):
        next_custom_slot(schedule, utc(2026, 1, 1))


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
         "America/Santiago", "Pacific/Chatham", "Europe/London"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    weekday=st.sampled_from(WEEKDAYS),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45, 59]),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1)),
)
def test_slots_are_once_per_local_week_day(
    tz: str, weekday: str, hour: int, minute: int, start: datetime
) -> None:
    s = weekly(weekday, f"{hour:02d}:{minute:02d}", tz)
    after = start.replace(tzinfo=UTC)
    seen_dates = set()
    for _ in range(30):
        slot = next_custom_slot(s, after)
        local = slot.astimezone(ZoneInfo(tz))
        assert slot > after
        assert WEEKDAYS[local.weekday()] == weekday
        assert local.date() not in seen_dates
        seen_dates.add(local.date())
        # Never more than a week (plus a DST hour) after the previous slot: nothing skipped.
        assert slot - after <= timedelta(days=7, hours=1)
        after = slot


def test_labels_and_ids() -> None:
    slot = utc(2026, 12, 7, 8, 0)
    assert slot_label(slot) == "2026-12-07T08:00Z"
    assert custom_job_id("shop-board", slot) == "custom_shop-board_20261207T0800Z"


def test_tick_slot_is_the_next_grid_point() -> None:
    assert tick_slot(utc(2026, 1, 1, 0, 4, 59), 300) == utc(2026, 1, 1, 0, 5)
    assert tick_slot(utc(2026, 1, 1, 0, 5), 300) == utc(2026, 1, 1, 0, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-14T12:00:00.000+01:00", utc(2026, 12, 14, 11)),
        ("2026-12-14T12:00:00.000+0100", utc(2026, 12, 14, 11)),
        ("2026-12-14T12:00:00.000Z", utc(2026, 12, 14, 12)),
        ("2026-12-14T12:00:00", None),
        ("not a date", None),
        (None, None),
    ],
)
def test_parse_jira_datetime(text: str | None, expected: datetime | None) -> None:
    assert parse_jira_datetime(text) == expected
