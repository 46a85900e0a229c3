"""Pure slot arithmetic for schedules: the next custom slot in the board's timezone, job ids.

No Redis, no clock: every function takes `now`/`after` so DST edges are testable.

DST rule (RFC 5545 §3.3.5, the rule calendars use): a local time that does not exist on a
spring-forward day is read with the UTC offset from *before* the transition, so "02:30" on
2026-03-29 in Europe/Berlin is 01:30Z (03:30 CEST); a local time that exists twice on a
fall-back day is its *first* occurrence (fold=0). Either way one slot per local date, so a
slot never fires twice and is never skipped. (croniter instead fires 02:30 twice on fall-back
days: rq-redis-flask.md §2.2 point 5.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from worker.model import Schedule

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ScheduleError(ValueError):
    """A schedule that cannot produce slots; the message names the field."""


def parse_time(value: str | None) -> time:
    """'HH:MM' (24 h) as a time; ScheduleError naming `time` otherwise."""
    try:
        hours, minutes = (value or "").split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ScheduleError(f"time: {value!r} is not HH:MM (00:00-23:59)") from None


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone; ScheduleError naming `timezone` when unknown."""
    try:
        return ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"timezone: {name!r} is not an IANA timezone") from None


def local_slot(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at `at` in `tz` as an aware UTC datetime (RFC 5545 rule for gaps and folds)."""
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def next_custom_slot(schedule: Schedule, after: datetime) -> datetime:
    """The first slot of a custom schedule strictly later than `after` (aware), in UTC."""
    if schedule.mode != "custom":
        raise ScheduleError(f"mode: {schedule.mode!r} has no custom slots")
    if schedule.weekday not in WEEKDAYS:
        raise ScheduleError(f"weekday: {schedule.weekday!r} is not one of {', '.join(WEEKDAYS)}")
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    at, tz = parse_time(schedule.time), zone(schedule.timezone)
    target = WEEKDAYS.index(schedule.weekday)
    # Start a day early: `after` in UTC may still be the previous local date.
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _ in range(16):
        if day.weekday() == target:
            slot = local_slot(day, at, tz)
            if slot > after:
                return slot
        day += timedelta(days=1)
    raise AssertionError("unreachable: a weekday recurs within 8 days")


def slot_label(slot: datetime) -> str:
    """The slot as request_sync's `slot` suffix: '2026-12-07T08:00Z' (UTC, minutes)."""
    return slot.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_slot_label(label: str) -> datetime:
    return datetime.strptime(label, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


# RQ job ids allow letters, digits, '_' and '-' only; board ids are [a-z0-9-], so '_' separates
# the parts unambiguously (board "a" never prefixes board "a-b").


def custom_job_id(board_id: str, slot: datetime) -> str:
    return f"custom_{board_id}_{slot.astimezone(UTC).strftime('%Y%m%dT%H%MZ')}"


def sprint_end_job_id(board_id: str, sprint_id: int, end: datetime) -> str:
    return f"sprintend_{board_id}_{sprint_id}_{int(end.timestamp())}"


def board_job_prefixes(board_id: str) -> tuple[str, str]:
    """Id prefixes of every scheduled job that belongs to a board."""
    return (f"custom_{board_id}_", f"sprintend_{board_id}_")


def tick_slot(now: datetime, every_s: int) -> datetime:
    """The next grid point (multiple of `every_s` since the epoch) strictly after `now`."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp((epoch // every_s + 1) * every_s, UTC)


def parse_jira_datetime(value: str | None) -> datetime | None:
    """Jira's '2026-12-14T12:00:00.000+01:00' / '...+0100' / '...Z' as aware UTC, else None."""
    if not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"  # Jira Server writes +0100 (no colon)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)
