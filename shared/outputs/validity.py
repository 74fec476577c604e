"""How long an issued document stays valid: ``validity`` of the SOP's output as text.

Calendar time, not office time: "5 tahun", "6 bulan", "30 hari", "2 minggu". A validity
the reader does not understand is refused here (the SOP validator checks it at load time).
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

_PATTERN = re.compile(r"^\s*(\d+)\s*(tahun|bulan|minggu|hari)\s*$", re.IGNORECASE)


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
    match = _PATTERN.match(validity)
    if match is None:
        raise ValidityError(f"masa berlaku tidak terbaca: {validity!r}")
    amount, unit = int(match.group(1)), match.group(2).lower()
    if unit == "tahun":
        return _add_months(issued, 12 * amount)
    if unit == "bulan":
        return _add_months(issued, amount)
    return issued + timedelta(days=amount * (7 if unit == "minggu" else 1))
