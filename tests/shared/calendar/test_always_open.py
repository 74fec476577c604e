"""24/7 calendar (damkar): nights, weekends, holidays and cuti bersama all count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.calendar import AlwaysOpenCalendar, Calendar, calendar_for, parse_standard_time

WIB = ZoneInfo("Asia/Jakarta")
ALWAYS = AlwaysOpenCalendar()


def wib(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("start", "raw", "expected"),
    [
        (wib(8, 14, 16, 15), "30 menit", wib(8, 14, 16, 45)),  # Friday after office hours
        (wib(8, 16, 23, 30), "2 jam", wib(8, 17, 1, 30)),  # night into Independence Day
        (wib(8, 16, 23, 58), "2 menit", wib(8, 17, 0, 0)),
        (wib(8, 14, 10), "1 hari kerja", wib(8, 15, 10)),  # Saturday counts
        (wib(8, 16, 10), "1 hari", wib(8, 17, 10)),  # the holiday counts
        (wib(3, 23, 20), "1 x 24 jam", wib(3, 24, 20)),  # cuti bersama counts
        (wib(3, 19, 8), "2 minggu", wib(4, 2, 8)),
        (wib(3, 17, 22), "3 hari kerja", wib(3, 20, 22)),
        (wib(1, 31, 10), "1 bulan", wib(2, 28, 10)),  # day-of-month clamped
        (wib(8, 3, 10), "14 s/d 30 hari", wib(9, 2, 10)),  # upper bound
        (wib(12, 31, 23), "2 jam", wib(1, 1, 1, year=2027)),
        (wib(11, 30, 9), "1 - 3 bulan", wib(2, 28, 9, year=2027)),
    ],
)
def test_due(start: datetime, raw: str, expected: datetime) -> None:
    result = ALWAYS.due(start, parse_standard_time(raw))
    assert result == expected
    assert result.utcoffset() == timedelta(hours=7)


def test_work_between_counts_nights_weekends_and_holidays() -> None:
    # Fri 17:00 -> Mon 17:00 (Independence Day) = 72 h, -> Tue 08:00 = 15 h more.
    assert ALWAYS.work_between(wib(8, 14, 17), wib(8, 18, 8)) == timedelta(hours=87)
    assert ALWAYS.work_between(wib(8, 18, 8), wib(8, 14, 17)) == -timedelta(hours=87)
    # The whole Lebaran gap, Tue 17 Mar 16:00 -> Wed 25 Mar 07:30.
    assert ALWAYS.work_between(wib(3, 17, 16), wib(3, 25, 7, 30)) == timedelta(
        days=7, hours=15, minutes=30
    )
    assert ALWAYS.add_work(wib(8, 16, 22), timedelta(hours=3)) == wib(8, 17, 1)


def test_every_moment_is_working_time() -> None:
    assert ALWAYS.is_working_time(wib(8, 17, 3)) is True
    assert ALWAYS.is_working_time(wib(3, 22, 23, 59)) is True


def test_utc_input_gives_jakarta_output() -> None:
    result = ALWAYS.due(datetime(2026, 8, 16, 20, 0, tzinfo=UTC), parse_standard_time("2 jam"))
    assert result == wib(8, 17, 5)
    assert result.tzinfo == WIB and result.hour == 5


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 8, 17, 3, 0)
    with pytest.raises(ValueError, match="naive"):
        ALWAYS.due(naive, parse_standard_time("2 jam"))
    with pytest.raises(ValueError):
        ALWAYS.work_between(naive, wib(8, 18))
    with pytest.raises(ValueError):
        ALWAYS.work_between(wib(8, 18), naive)
    with pytest.raises(ValueError):
        ALWAYS.add_work(naive, timedelta(hours=1))
    with pytest.raises(ValueError):
        ALWAYS.is_working_time(naive)


def test_factory_gives_the_shared_24x7_calendar() -> None:
    calendar = calendar_for("24x7")
    assert calendar is calendar_for("24x7")
    assert isinstance(calendar, AlwaysOpenCalendar) and isinstance(calendar, Calendar)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([WIB, UTC]),
)


@settings(deadline=None)
@given(
    start=moments,
    amount=st.timedeltas(min_value=-timedelta(days=400), max_value=timedelta(days=400)),
)
def test_add_work_inverts_work_between(start: datetime, amount: timedelta) -> None:
    assert ALWAYS.work_between(start, ALWAYS.add_work(start, amount)) == amount


@settings(deadline=None)
@given(a=moments, b=moments, c=moments)
def test_work_between_is_additive_and_equals_elapsed_time(
    a: datetime, b: datetime, c: datetime
) -> None:
    assert ALWAYS.work_between(a, b) + ALWAYS.work_between(b, c) == ALWAYS.work_between(a, c)
    assert ALWAYS.work_between(a, b) == b - a


def test_same_day_round_the_clock_ends_at_midnight() -> None:
    std = parse_standard_time("hari kerja yang sama")
    assert ALWAYS.due(wib(8, 17, 2, 0), std) == wib(8, 18, 0, 0)
