"""Business calendar: standard times from the regulation and calendars that give due times.

* :mod:`shared.calendar.standard_time` reads "10 menit", "1 hari kerja", "14 s/d 30 hari", ...
* :mod:`shared.calendar.office_hours` holds the office hours (default and configurable).
* :mod:`shared.calendar.business` computes due times and counted working time on the Indonesian
  office calendar (national holidays and cuti bersama, Asia/Jakarta) or 24/7 for emergencies.

Pure Python: no web, database or messaging imports and nothing happens at import time.
"""

from shared.calendar.business import (
    AlwaysOpenCalendar,
    Calendar,
    OfficeCalendar,
    calendar_for,
)
from shared.calendar.office_hours import DEFAULT_OFFICE_HOURS, DayHours, OfficeHours
from shared.calendar.standard_time import (
    StandardTime,
    StandardTimeError,
    Unit,
    parse_standard_time,
)

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "AlwaysOpenCalendar",
    "Calendar",
    "DayHours",
    "OfficeCalendar",
    "OfficeHours",
    "StandardTime",
    "StandardTimeError",
    "Unit",
    "calendar_for",
    "parse_standard_time",
]
