"""Properties of office time: add_work inverts work_between, and work_between is additive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shared.calendar import OfficeCalendar, parse_standard_time

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = OfficeCalendar()

moments = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([WIB, UTC]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))
# Whole minutes, like the standard times, to land on every boundary case often.
minute_durations = st.integers(min_value=0, max_value=24_000).map(lambda m: timedelta(minutes=m))

SETTINGS = settings(deadline=None, max_examples=300,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@SETTINGS
@given(start=moments, amount=durations | minute_durations)
def test_add_work_inverts_work_between_from_a_working_moment(
    start: datetime, amount: timedelta
) -> None:
    assume(OFFICE.is_working_time(start))
    assert OFFICE.work_between(start, OFFICE.add_work(start, amount)) == amount


@SETTINGS
@given(start=moments, amount=durations | minute_durations)
def test_add_work_inverts_work_between_from_any_moment(start: datetime, amount: timedelta) -> None:
    end = OFFICE.add_work(start, amount)
    assert end >= start
    assert OFFICE.work_between(start, end) == amount
    assert OFFICE.work_between(start, OFFICE.add_work(start, -amount)) == -amount


@SETTINGS
@given(a=moments, b=moments, c=moments)
def test_work_between_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    assert OFFICE.work_between(a, b) + OFFICE.work_between(b, c) == OFFICE.work_between(a, c)
    assert OFFICE.work_between(a, b) == -OFFICE.work_between(b, a)


@SETTINGS
@given(a=moments, b=moments)
def test_work_between_never_exceeds_elapsed_time(a: datetime, b: datetime) -> None:
    first, last = min(a, b), max(a, b)
    assert timedelta(0) <= OFFICE.work_between(first, last) <= last - first


@SETTINGS
@given(start=moments, amount=minute_durations)
def test_minutes_due_is_add_work_and_lands_in_office_hours(
    start: datetime, amount: timedelta
) -> None:
    assume(amount > timedelta(0))
    minutes = int(amount.total_seconds() // 60)
    result = OFFICE.due(start, parse_standard_time(f"{minutes} menit"))
    assert result == OFFICE.add_work(start, amount)
    local = result.astimezone(WIB)
    # A due time counted in office minutes ends inside the day's hours or exactly at its close.
    assert OFFICE.is_working_time(result) or local.time() in {
        datetime(2026, 1, 1, 16, 0).time(),
        datetime(2026, 1, 1, 16, 30).time(),
    }


@SETTINGS
@given(start=moments, days=st.integers(min_value=1, max_value=40))
def test_working_days_due_is_on_a_working_day_after_the_start(start: datetime, days: int) -> None:
    result = OFFICE.due(start, parse_standard_time(f"{days} hari kerja"))
    assert result > start
    assert OFFICE.is_working_day(result.date())
    # Exactly `days` working days lie after the (rolled) start day up to the due day.
    begin = OFFICE.next_working_moment(start).date()
    counted = sum(
        OFFICE.is_working_day(begin + timedelta(days=offset))
        for offset in range(1, (result.date() - begin).days + 1)
    )
    assert counted == days
