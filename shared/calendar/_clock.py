"""Small time helpers shared by the calendars: aware-datetime check and wall-clock arithmetic."""

from __future__ import annotations

import calendar as _gregorian
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.calendar.standard_time import StandardTime

# One unit of each standard-time unit as plain elapsed time (no office hours involved).
ELAPSED: dict[str, timedelta] = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "elapsed_hour": timedelta(hours=1),
    "working_day": timedelta(days=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


def aware(value: datetime) -> datetime:
    """Refuse naive datetimes; return the instant in UTC."""
    if not isinstance(value, datetime):
        raise TypeError(f"datetime expected, got {type(value).__name__}")
    zone = value.tzinfo
    if type(zone) is ZoneInfo or zone is UTC:  # never without an offset: no need to ask
        return value.astimezone(UTC)
    if zone is None or value.utcoffset() is None:
        raise ValueError(
            f"waktu tanpa zona waktu (naive datetime) ditolak: {value.isoformat()}; "
            "sertakan tzinfo, misalnya ZoneInfo('Asia/Jakarta')"
        )
    return value.astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar-month arithmetic on the wall clock, clamping the day to the month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, _gregorian.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def wall_shift(local: datetime, std: StandardTime) -> datetime:
    """Calendar time for day/week/month on a local (ZoneInfo) datetime."""
    if std.unit == "month":
        return add_months(local, std.amount)
    return local + ELAPSED[std.unit] * std.amount  # same tzinfo: wall-clock arithmetic
