"""How long an issued document stays valid: ``validity`` of the SOP's output as text.

The SOP validator reads it as a standard time (``60 bulan``, ``2 minggu``, ``30 hari``,
``1 x 24 jam``); ``N tahun`` is read too. A document's validity is calendar time, never
office time: a ``hari kerja`` counts as a calendar day here. Text neither reading knows is
refused (the validator has refused it already when the SOP was loaded).
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from shared.calendar.standard_time import StandardTimeError, parse_standard_time

_YEARS = re.compile(r"^\s*(\d+)\s*tahun\s*$", re.IGNORECASE)
_SPANS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1),
          "elapsed_hour": timedelta(hours=1), "day": timedelta(days=1),
          "working_day": timedelta(days=1), "same_working_day": timedelta(days=1),
          "week": timedelta(weeks=1)}


class ValidityError(ValueError):
    pass


def _add_months(at: datetime, months: int) -> datetime:
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def valid_until(issued: datetime, validity: str | None) -> datetime | None:
    """The end of validity of a document issued at ``issued`` (``None``: no expiry)."""
    if not validity:
        return None
    years = _YEARS.match(validity)
    if years is not None:
        return _add_months(issued, 12 * int(years.group(1)))
    try:
        std = parse_standard_time(validity)
    except StandardTimeError:
        raise ValidityError(f"masa berlaku tidak terbaca: {validity!r}") from None
    if std.unit == "month":
        return _add_months(issued, std.amount)
    return issued + _SPANS[std.unit] * std.amount
