"""Office calendar on real 2026 dates; every expected time is written out by hand.

Default hours: Mon–Thu 07:30–16:00, Fri 07:30–16:30 (Asia/Jakarta, WIB = UTC+7).
2026 facts used: Mon 17 Aug is Independence Day; Wed 18 Mar (Nyepi cuti bersama), Thu 19 Mar
(Nyepi), Fri 20 Mar, Mon 23 Mar and Tue 24 Mar (Idul Fitri cuti bersama) with Sat 21 / Sun 22
(Idul Fitri) make Tue 17 Mar -> Wed 25 Mar the Lebaran gap; 31 Jan and 28 Feb are Saturdays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar import (
    Calendar,
    DayHours,
    OfficeCalendar,
    OfficeHours,
    calendar_for,
    parse_standard_time,
)

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = OfficeCalendar()


def wib(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def due(start: datetime, raw: str, calendar: OfficeCalendar = OFFICE) -> datetime:
    return calendar.due(start, parse_standard_time(raw))


def test_holiday_data_has_cuti_bersama_and_independence_day() -> None:
    days = OFFICE.holidays_in(2026)
    for month, day in [(3, 18), (3, 19), (3, 20), (3, 23), (3, 24), (8, 17), (12, 24), (12, 25)]:
        assert date(2026, month, day) in days
    assert date(2026, 3, 17) not in days and date(2026, 3, 25) not in days


@pytest.mark.parametrize(
    ("start", "raw", "expected"),
    [
        # --- across Independence Day, Monday 17 August 2026 ---
        (wib(8, 14, 10), "1 hari kerja", wib(8, 18, 10)),
        (wib(8, 13, 9), "3 hari kerja", wib(8, 19, 9)),  # Fri 14, Tue 18, Wed 19
        (wib(8, 14, 15, 30), "2 jam", wib(8, 18, 8, 30)),  # 1 h Friday + 1 h Tuesday
        (wib(8, 14, 16, 15), "30 menit", wib(8, 18, 7, 45)),
        (wib(8, 14, 10), "3 hari", wib(8, 18, 7, 30)),  # lands on the holiday: next opening
        (wib(8, 14, 10), "1 x 24 jam", wib(8, 18, 7, 30)),  # lands on Saturday
        (wib(8, 16, 9), "1x24 jam", wib(8, 18, 7, 30)),  # Sunday + 24 h = the holiday
        # --- across Idul Fitri 2026 (Wed 18 .. Tue 24 March closed) ---
        (wib(3, 17, 10), "1 hari kerja", wib(3, 25, 10)),
        (wib(3, 16, 9), "3 hari kerja", wib(3, 26, 9)),  # Tue 17, Wed 25, Thu 26
        (wib(3, 17, 15), "2 jam", wib(3, 25, 8, 30)),  # 1 h Tuesday + 1 h Wednesday 25th
        (wib(3, 20, 10), "15 menit", wib(3, 25, 7, 45)),  # started on a cuti bersama day
        (wib(3, 10, 10), "2 minggu", wib(3, 25, 7, 30)),  # Tue 24 Mar is cuti bersama
        # --- Friday-afternoon minutes rolling to Monday ---
        (wib(8, 7, 16, 15), "30 menit", wib(8, 10, 7, 45)),
        (wib(8, 7, 16, 30), "10 menit", wib(8, 10, 7, 40)),  # exactly at Friday's close
        (wib(8, 7, 15), "120 Menit", wib(8, 10, 8)),  # 90 min Friday + 30 min Monday
        (wib(8, 7, 16, 15), "1 hari kerja", wib(8, 10, 16)),  # 16:15 clamped to Monday's close
        # --- start outside office hours ---
        (wib(8, 4, 19), "2 jam", wib(8, 5, 9, 30)),  # Tuesday evening
        (wib(8, 5, 6), "10 menit", wib(8, 5, 7, 40)),  # Wednesday before opening
        (wib(8, 8, 11), "1 hari kerja", wib(8, 11, 7, 30)),  # Saturday -> Mon 07:30 -> Tue
        (wib(8, 9, 13), "15 menit", wib(8, 10, 7, 45)),  # Sunday
        (wib(8, 4, 18), "1 hari kerja", wib(8, 6, 7, 30)),  # Tue evening -> Wed 07:30 -> Thu
        (wib(8, 5, 17), "1 hari", wib(8, 7, 7, 30)),  # Thu 17:00 is after close
        (wib(8, 10, 15, 30), "30 menit", wib(8, 10, 16)),  # ends exactly at the close
        # --- ranges use the upper bound ---
        (wib(8, 3, 10), "14 s/d 30 hari", wib(9, 2, 10)),  # 14 days would hit 17 Aug
        (wib(8, 10, 9), "3-7 hari kerja", wib(8, 20, 9)),  # 11,12,13,14,18,19,20 Aug
        (wib(8, 10, 9), "5-20 Menit", wib(8, 10, 9, 20)),
        (wib(8, 10, 15, 50), "30 menit - 1 jam", wib(8, 11, 8, 20)),
        # --- months (calendar months, day clamped, then next opening) ---
        (wib(3, 31, 10), "1 bulan", wib(4, 30, 10)),  # 31 Mar -> 30 Apr (Thursday)
        (wib(1, 31, 10), "1 bulan", wib(3, 2, 7, 30)),  # Sat 31 Jan -> Sat 28 Feb -> Mon 2 Mar
        (wib(6, 17, 10), "2 bulan", wib(8, 18, 7, 30)),  # 17 Aug is the holiday
        (wib(6, 15, 10), "1 - 3 bulan", wib(9, 15, 10)),
        (wib(1, 15, 10), "1 bulan - 12 bulan", wib(1, 15, 10, year=2027)),  # a 2027 Friday
        (wib(12, 24, 10), "1 hari kerja", wib(12, 29, 7, 30)),  # counted from Mon 28 07:30
    ],
)
def test_due(start: datetime, raw: str, expected: datetime) -> None:
    result = due(start, raw)
    assert result == expected
    assert result.utcoffset() == timedelta(hours=7)


def test_start_in_another_time_zone_is_the_same_instant() -> None:
    start = datetime(2026, 8, 14, 3, 0, tzinfo=UTC)  # 10:00 WIB, Friday 14 August
    result = due(start, "1 hari kerja")
    assert result == wib(8, 18, 10)
    assert result.tzinfo == WIB and result.hour == 10


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (wib(8, 17, 10), False),  # Independence Day
        (wib(8, 18, 10), True),
        (wib(8, 18, 7, 29), False),
        (wib(8, 18, 7, 30), True),
        (wib(8, 18, 15, 59), True),
        (wib(8, 18, 16), False),  # close is exclusive
        (wib(8, 14, 16, 15), True),  # Friday is open until 16:30
        (wib(8, 15, 10), False),  # Saturday
        (wib(3, 17, 10), True),
        (wib(3, 18, 10), False),
        (wib(3, 20, 10), False),
        (wib(3, 23, 10), False),
        (wib(3, 24, 10), False),
        (wib(3, 25, 10), True),
        (datetime(2026, 8, 18, 2, 0, tzinfo=UTC), True),  # 09:00 WIB
        (datetime(2026, 8, 18, 0, 0, tzinfo=UTC), False),  # 07:00 WIB
    ],
)
def test_is_working_time(at: datetime, expected: bool) -> None:
    assert OFFICE.is_working_time(at) is expected


def test_next_working_moment() -> None:
    assert OFFICE.next_working_moment(wib(8, 18, 10)) == wib(8, 18, 10)
    assert OFFICE.next_working_moment(wib(8, 14, 17)) == wib(8, 18, 7, 30)
    assert OFFICE.next_working_moment(wib(3, 17, 16)) == wib(3, 25, 7, 30)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (wib(8, 14, 16), wib(8, 18, 8), timedelta(hours=1)),  # 30 min Fri + 30 min Tue
        (wib(8, 14, 10), wib(8, 18, 10), timedelta(hours=9)),  # 6.5 h + 2.5 h
        (wib(3, 17, 7, 30), wib(3, 25, 16), timedelta(hours=17)),  # Lebaran gap counts 0
        (wib(3, 18), wib(3, 25), timedelta(0)),
        (wib(8, 10), wib(8, 17), timedelta(hours=43)),  # 4 x 8.5 h + 9 h
        (wib(8, 10, 12), wib(8, 10, 12), timedelta(0)),
        (wib(8, 18, 10), wib(8, 14, 10), -timedelta(hours=9)),  # end before start
    ],
)
def test_work_between(start: datetime, end: datetime, expected: timedelta) -> None:
    assert OFFICE.work_between(start, end) == expected


def test_add_work_forward_and_backward() -> None:
    assert OFFICE.add_work(wib(8, 14, 16), timedelta(hours=1)) == wib(8, 18, 8)
    assert OFFICE.add_work(wib(8, 18, 8, 30), -timedelta(hours=2)) == wib(8, 14, 15, 30)
    assert OFFICE.add_work(wib(3, 25, 8), -timedelta(hours=1)) == wib(3, 17, 15, 30)
    assert OFFICE.add_work(wib(8, 15, 10), timedelta(0)) == wib(8, 15, 10)


def test_extra_holidays_and_custom_hours() -> None:
    regional = OfficeCalendar(extra_holidays=[date(2026, 8, 18)])
    assert due(wib(8, 14, 10), "1 hari kerja", regional) == wib(8, 19, 10)
    assert regional.is_working_time(wib(8, 18, 10)) is False

    saturday_counter = OfficeCalendar(
        OfficeHours(
            friday=DayHours(time(7, 30), time(16, 30)),
            saturday=DayHours(time(8), time(12)),
        )
    )
    assert due(wib(8, 7, 16, 15), "30 menit", saturday_counter) == wib(8, 8, 8, 15)
    assert due(wib(8, 7, 10), "1 hari kerja", saturday_counter) == wib(8, 8, 10)
    assert due(wib(8, 7, 14), "1 hari kerja", saturday_counter) == wib(8, 8, 12)  # clamped


def test_preloaded_years() -> None:
    calendar = OfficeCalendar(years=[2026, 2027])
    assert date(2027, 8, 17) in calendar.holidays_in(2027)
    assert due(wib(8, 13, 10, year=2027), "1 hari kerja", calendar) == wib(8, 16, 10, year=2027)


def test_bad_office_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        DayHours(time(16), time(8))
    with pytest.raises(ValueError):
        OfficeHours()
    with pytest.raises(ValueError):
        DayHours(time(8, tzinfo=WIB), time(16))


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 8, 14, 10, 0)
    std = parse_standard_time("1 hari kerja")
    with pytest.raises(ValueError, match="naive"):
        OFFICE.due(naive, std)
    with pytest.raises(ValueError):
        OFFICE.work_between(naive, wib(8, 18))
    with pytest.raises(ValueError):
        OFFICE.work_between(wib(8, 14), naive)
    with pytest.raises(ValueError):
        OFFICE.add_work(naive, timedelta(hours=1))
    with pytest.raises(ValueError):
        OFFICE.is_working_time(naive)
    with pytest.raises(ValueError):
        OFFICE.next_working_moment(naive)


def test_calendar_for() -> None:
    office = calendar_for("office")
    assert office is calendar_for("office")
    assert isinstance(office, OfficeCalendar) and isinstance(office, Calendar)
    assert office.name == "office"
    assert calendar_for("24x7").name == "24x7"
    with pytest.raises(ValueError, match="kalender tidak dikenal"):
        calendar_for("lunar")


# --- "Dalam Hari Kerja yang sama" (BPKAD Pojok Konsultasi, step 4) ---------------------------

@pytest.mark.parametrize(("start", "due"), [
    (wib(3, 2, 10, 0), wib(3, 2, 16, 0)),     # Monday morning: by Monday's close
    (wib(3, 6, 15, 59), wib(3, 6, 16, 30)),   # Friday, a minute before: Friday closes 16:30
    (wib(3, 2, 17, 0), wib(3, 3, 16, 0)),     # after hours: the next working day's close
    (wib(3, 2, 6, 0), wib(3, 2, 16, 0)),      # before opening: that day's close
    (wib(8, 14, 17, 0), wib(8, 18, 16, 0)),   # Friday evening before 17 August (a Monday)
])
def test_same_working_day_is_due_at_the_close_of_that_office_day(
        start: datetime, due: datetime) -> None:
    std = parse_standard_time("Dalam Hari Kerja yang sama")
    assert (std.unit, std.label) == ("same_working_day", "hari kerja yang sama")
    assert OFFICE.due(start, std) == due
