"""Office hours of a government office, per weekday, in local (wall-clock) time.

Default (:data:`DEFAULT_OFFICE_HOURS`), configurable per calendar:

* Monday–Thursday 07:30–16:00
* Friday 07:30–16:30
* Saturday and Sunday closed

Basis: Perpres 21/2023 (hari kerja dan jam kerja ASN) sets 37.5 working hours a week on a
five-day week, not counting breaks; regional governments commonly meet it with Mon–Thu
07:30–16:00 (break 12:00–13:00) and Fri 07:30–16:30 (longer break for Friday prayer). The
default keeps one interval per day and does **not** deduct the break: service counters are
staffed in turns over lunch, and a standard time in minutes keeps running through it. An
agency with other hours (a puskesmas, a Saturday counter) passes its own :class:`OfficeHours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class DayHours:
    """Opening and closing wall-clock time of one day; open is inclusive, close exclusive."""

    open: time
    close: time

    def __post_init__(self) -> None:
        if self.open.tzinfo is not None or self.close.tzinfo is not None:
            raise ValueError("jam kantor ditulis sebagai waktu lokal tanpa zona waktu")
        if not self.open < self.close:
            raise ValueError(f"jam buka {self.open} harus sebelum jam tutup {self.close}")


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office hours per weekday; ``None`` means closed all day."""

    monday: DayHours | None = None
    tuesday: DayHours | None = None
    wednesday: DayHours | None = None
    thursday: DayHours | None = None
    friday: DayHours | None = None
    saturday: DayHours | None = None
    sunday: DayHours | None = None

    def __post_init__(self) -> None:
        if all(getattr(self, day) is None for day in _WEEKDAYS):
            raise ValueError("jam kantor harus memuat paling sedikit satu hari buka")

    def for_weekday(self, weekday: int) -> DayHours | None:
        """Hours of a weekday as in :meth:`datetime.date.weekday` (Monday = 0)."""
        result: DayHours | None = getattr(self, _WEEKDAYS[weekday])
        return result


DEFAULT_OFFICE_HOURS = OfficeHours(
    monday=DayHours(time(7, 30), time(16, 0)),
    tuesday=DayHours(time(7, 30), time(16, 0)),
    wednesday=DayHours(time(7, 30), time(16, 0)),
    thursday=DayHours(time(7, 30), time(16, 0)),
    friday=DayHours(time(7, 30), time(16, 30)),
)
