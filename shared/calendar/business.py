"""Calendars that turn a step's standard time into a due time ("standard time is legal time").

Two calendars, both in Asia/Jakarta by default, both refusing naive datetimes with ``ValueError``
and returning aware datetimes in their own time zone:

``OfficeCalendar`` ("office") -- the Indonesian government office calendar. Days off are
weekends, national holidays **and** cuti bersama (``holidays.Indonesia`` with the "public" and
"government" categories, loaded lazily per year and cached, so any year works) plus any extra
dates given (e.g. a regional holiday). Office hours come from
:mod:`shared.calendar.office_hours` (default Mon–Thu 07:30–16:00, Fri 07:30–16:30). Readings:

* ``minute`` / ``hour``: office time only -- 30 menit started Friday 16:15 ends Monday 07:45.
* ``working_day``: move the start to the next office moment, then step N working days forward
  keeping the time of day (clamped into that day's hours: a Friday 16:15 start + 1 hari kerja
  is due Monday 16:00). Friday 14 Aug 2026 10:00 + 1 hari kerja -> Tuesday 18 Aug 10:00.
* ``day`` / ``week`` / ``month``: calendar time -- start + N days / 7N days / N months on the
  local wall clock (month end clamped: 31 Jan + 1 bulan = 28 Feb); a result outside office hours
  rolls forward to the next office opening, because a deadline must fall when the office is open.
* ``elapsed_hour`` ("1 x 24 jam"): start + N real hours, rolled forward the same way.
* ``work_between`` / ``add_work``: office time only (minutes inside office hours on working days).

``AlwaysOpenCalendar`` ("24x7") -- emergency services (damkar): every minute counts, nights and
holidays included; ``working_day`` and ``day`` are 24 hours, ``week`` 7 x 24 hours, ``month`` a
calendar month on the local wall clock, ``work_between`` is plain elapsed time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import holidays

from shared.calendar._clock import ELAPSED, add_months, aware, wall_shift
from shared.calendar.office_hours import DEFAULT_OFFICE_HOURS, DayHours, OfficeHours
from shared.calendar.standard_time import StandardTime

JAKARTA = "Asia/Jakarta"
_HOLIDAY_CATEGORIES = ("public", "government")  # national holidays and cuti bersama
_MAX_IDLE_DAYS = 3660  # consecutive closed days before we give up (a misconfigured calendar)
_SPAN_CACHE_DAYS = 20_000  # office days remembered per calendar (about 55 years)
_ZERO = timedelta(0)


@runtime_checkable
class Calendar(Protocol):
    """What the SOP engine needs from a calendar."""

    name: str

    def due(self, start: datetime, std: StandardTime) -> datetime:
        """When a step started at ``start`` with standard time ``std`` is due."""
        ...

    def work_between(self, start: datetime, end: datetime) -> timedelta:
        """Counted time from ``start`` to ``end`` (negative if ``end`` is before ``start``)."""
        ...

    def add_work(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of counted time after ``start``: inverse of work_between."""
        ...

    def is_working_time(self, at: datetime) -> bool:
        """Whether time counts at ``at``."""
        ...


class OfficeCalendar:
    """Indonesian office calendar: office hours on working days, holidays and cuti bersama off."""

    def __init__(
        self,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        tz: str | ZoneInfo = JAKARTA,
        extra_holidays: Iterable[date] = (),
        years: Iterable[int] = (),
        name: str = "office",
    ) -> None:
        self.name = name
        self.office_hours = office_hours
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.extra_holidays = frozenset(extra_holidays)
        self._holidays: dict[int, frozenset[date]] = {}
        self._spans_by_day: dict[date, tuple[datetime, datetime] | None] = {}
        for year in years:  # optional preloading; every other year loads on first use
            self.holidays_in(year)

    # --- days ------------------------------------------------------------------------------

    def holidays_in(self, year: int) -> frozenset[date]:
        """National holidays and cuti bersama of ``year`` (cached), without ``extra_holidays``."""
        found = self._holidays.get(year)
        if found is None:
            table = holidays.Indonesia(categories=_HOLIDAY_CATEGORIES, years=year)
            found = frozenset(table.keys())
            self._holidays[year] = found
        return found

    def hours_on(self, day: date) -> DayHours | None:
        """Office hours of ``day``, or ``None`` when the office is closed all day."""
        if day in self.extra_holidays or day in self.holidays_in(day.year):
            return None
        return self.office_hours.for_weekday(day.weekday())

    def is_working_day(self, day: date) -> bool:
        return self.hours_on(day) is not None

    def _span(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing of ``day`` in UTC, or None when closed (cached per day: the
        hours and holidays of a calendar never change, and every due time reads a few)."""
        try:
            return self._spans_by_day[day]
        except KeyError:
            pass
        hours = self.hours_on(day)
        span = None if hours is None else (
            datetime.combine(day, hours.open, self.tz).astimezone(UTC),
            datetime.combine(day, hours.close, self.tz).astimezone(UTC))
        if len(self._spans_by_day) >= _SPAN_CACHE_DAYS:
            self._spans_by_day.clear()
        self._spans_by_day[day] = span
        return span

    def _spans(self, day: date, step: int = 1) -> Iterator[tuple[date, datetime, datetime]]:
        """Working days from ``day`` (inclusive) forward, or backward with ``step=-1``."""
        idle, delta = 0, timedelta(days=step)
        while True:
            span = self._span(day)
            if span is not None:
                idle = 0
                yield day, span[0], span[1]
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"tidak ada hari kerja dalam {_MAX_IDLE_DAYS} hari")
            day += delta

    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    # --- moments ---------------------------------------------------------------------------

    def is_working_time(self, at: datetime) -> bool:
        instant = aware(at)
        span = self._span(self._local_day(instant))
        return span is not None and span[0] <= instant < span[1]

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` itself if the office is open then, else the next office opening."""
        instant = aware(at)
        for _day, opens, closes in self._spans(self._local_day(instant)):
            if instant < closes:
                return max(instant, opens).astimezone(self.tz)
        raise AssertionError("unreachable")  # pragma: no cover

    def due(self, start: datetime, std: StandardTime) -> datetime:
        instant = aware(start)
        unit, amount = std.unit, std.amount
        if unit == "minute" or unit == "hour":
            # A start in this calendar's zone already says its office day.
            day = start.date() if start.tzinfo is self.tz else None
            return self._add_work(instant, ELAPSED[unit] * amount, day)
        if unit == "working_day":
            return self._add_working_days(instant, amount)
        if unit == "elapsed_hour":
            return self.next_working_moment(instant + timedelta(hours=amount))
        if unit == "same_working_day":
            begin = self.next_working_moment(instant)
            span = self._span(begin.date())
            assert span is not None
            return span[1].astimezone(self.tz)
        return self.next_working_moment(wall_shift(instant.astimezone(self.tz), std))

    def _add_working_days(self, start: datetime, count: int) -> datetime:
        begin = self.next_working_moment(start)
        days = self._spans(begin.date() + timedelta(days=1))
        for _ in range(count - 1):
            next(days)
        day, _opens, _closes = next(days)
        hours = self.hours_on(day)
        assert hours is not None
        clock = min(max(begin.time(), hours.open), hours.close)
        return datetime.combine(day, clock, self.tz)

    # --- counted time ----------------------------------------------------------------------

    def work_between(self, start: datetime, end: datetime) -> timedelta:
        first, last = aware(start), aware(end)
        if last < first:
            return -self.work_between(last, first)
        total = timedelta(0)
        day, last_day = self._local_day(first), self._local_day(last)
        while day <= last_day:
            span = self._span(day)
            if span is not None:
                low, high = max(first, span[0]), min(last, span[1])
                if low < high:
                    total += high - low
            day += timedelta(days=1)
        return total

    def add_work(self, start: datetime, amount: timedelta) -> datetime:
        """Earliest moment with ``amount`` of office time after ``start`` (latest, if negative)."""
        return self._add_work(aware(start), amount)

    def _add_work(self, instant: datetime, amount: timedelta, day: date | None = None
                  ) -> datetime:
        """:meth:`add_work` from ``instant``, an aware datetime in UTC (``day``: its local
        date, when the caller knows it)."""
        if not amount:
            return instant.astimezone(self.tz)
        forward = amount > _ZERO
        if forward:  # the usual case: it ends on the day it starts, inside its hours
            if day is None:
                day = instant.astimezone(self.tz).date()
            try:
                span = self._spans_by_day[day]
            except KeyError:
                span = self._span(day)
            end = instant + amount
            if span is not None and span[0] <= instant and end <= span[1]:
                return end.astimezone(self.tz)
        remaining = amount if forward else -amount
        for _day, opens, closes in self._spans(self._local_day(instant), 1 if forward else -1):
            low, high = (max(instant, opens), closes) if forward else (opens, min(instant, closes))
            if low >= high:
                continue
            if remaining <= high - low:
                found = low + remaining if forward else high - remaining
                return found.astimezone(self.tz)
            remaining -= high - low
        raise AssertionError("unreachable")  # pragma: no cover


class AlwaysOpenCalendar:
    """24/7 calendar for emergency services: every minute counts, nights and holidays too."""

    def __init__(self, tz: str | ZoneInfo = JAKARTA, name: str = "24x7") -> None:
        self.name = name
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)

    def due(self, start: datetime, std: StandardTime) -> datetime:
        instant = aware(start)
        if std.unit == "month":
            return add_months(instant.astimezone(self.tz), std.amount)
        if std.unit == "same_working_day":  # round the clock: by the end of that day
            local = instant.astimezone(self.tz)
            return datetime.combine(local.date() + timedelta(days=1), time(0), self.tz)
        return self.add_work(instant, ELAPSED[std.unit] * std.amount)

    def work_between(self, start: datetime, end: datetime) -> timedelta:
        return aware(end) - aware(start)

    def add_work(self, start: datetime, amount: timedelta) -> datetime:
        return (aware(start) + amount).astimezone(self.tz)

    def is_working_time(self, at: datetime) -> bool:
        aware(at)
        return True


_FACTORIES: dict[str, Callable[[], Calendar]] = {
    "office": OfficeCalendar,
    "24x7": AlwaysOpenCalendar,
}


@cache
def _shared(name: str) -> Calendar:
    return _FACTORIES[name]()


def calendar_for(name: str) -> Calendar:
    """The shared calendar instance named ``"office"`` or ``"24x7"``."""
    if name not in _FACTORIES:
        known = ", ".join(repr(key) for key in _FACTORIES)
        raise ValueError(f"kalender tidak dikenal: {name!r} (pilihan: {known})")
    return _shared(name)
