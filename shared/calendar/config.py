"""Calendars configured for a deployment: office hours and local holidays from settings.

``HALO_OFFICE_HOURS`` overrides :data:`DEFAULT_OFFICE_HOURS`, e.g.
``mon-thu=07:30-16:00,fri=07:30-16:30`` or ``mon-fri=08:00-16:00,sat=08:00-12:00``: day
names ``mon tue wed thu fri sat sun``, single days or ranges, unnamed days closed.
``HALO_EXTRA_HOLIDAYS`` adds regional days off to the national ones (e.g. a holiday the
Bupati declares): ``2026-11-14,2026-11-27``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, time
from functools import cache

from shared.calendar.business import AlwaysOpenCalendar, Calendar, OfficeCalendar
from shared.calendar.office_hours import DayHours, OfficeHours

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENTRY = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?="
                    r"(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$")


class CalendarConfigError(ValueError):
    """A calendar setting that cannot be read; the message says what is wrong (Indonesian)."""


def _clock(text: str) -> time:
    hours, minutes = (int(p) for p in text.split(":"))
    if hours > 23 or minutes > 59:
        raise CalendarConfigError(f"jam tidak valid: {text!r}")
    return time(hours, minutes)


def parse_office_hours(text: str) -> OfficeHours:
    """Read office hours written as ``mon-thu=07:30-16:00,fri=07:30-16:30``."""
    days: dict[str, DayHours] = {}
    for raw in text.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        found = _ENTRY.match(entry)
        if found is None:
            raise CalendarConfigError(
                f"jam kantor tidak terbaca: {raw.strip()!r} (contoh: mon-thu=07:30-16:00)")
        first, last = found["first"], found["last"] or found["first"]
        if first not in _DAYS or last not in _DAYS or _DAYS.index(first) > _DAYS.index(last):
            raise CalendarConfigError(f"nama hari tidak dikenal atau terbalik: {raw.strip()!r}")
        try:
            hours = DayHours(_clock(found["open"]), _clock(found["close"]))
        except ValueError as exc:
            raise CalendarConfigError(f"{raw.strip()!r}: {exc}") from exc
        for index in range(_DAYS.index(first), _DAYS.index(last) + 1):
            if _FIELDS[index] in days:
                raise CalendarConfigError(f"hari {_DAYS[index]} disebut dua kali")
            days[_FIELDS[index]] = hours
    if not days:
        raise CalendarConfigError("jam kantor kosong: sebutkan paling sedikit satu hari")
    return OfficeHours(**days)


def parse_dates(text: str) -> tuple[date, ...]:
    """Read ``YYYY-MM-DD`` dates separated by commas."""
    out = []
    for raw in text.split(","):
        if raw.strip():
            try:
                out.append(date.fromisoformat(raw.strip()))
            except ValueError as exc:
                raise CalendarConfigError(
                    f"tanggal libur tidak valid: {raw.strip()!r} (format YYYY-MM-DD)") from exc
    return tuple(sorted(set(out)))


def calendars(office_hours: OfficeHours, extra_holidays: Iterable[date] = ()
              ) -> Callable[[str], Calendar]:
    """A ``calendar_for`` that builds each named calendar once with these settings."""
    extra = tuple(extra_holidays)

    @cache
    def calendar_for(name: str) -> Calendar:
        if name == "office":
            return OfficeCalendar(office_hours=office_hours, extra_holidays=extra)
        if name == "24x7":
            return AlwaysOpenCalendar()
        raise ValueError(f"kalender tidak dikenal: {name!r} (pilihan: 'office', '24x7')")

    return calendar_for
