"""Due date, late-payment interest and payment-code expiry of a PBB-P2 bill (pure rules).

Interest (UU 1/2022 HKPD; figures in ``rules/pbb_p2.yaml``): 1% of the unpaid pokok per month
from the due date to the payment date, at most 24 months, a part of a month counted as a
full month. Dates are calendar days in Asia/Jakarta (WIB): a payment at 23:30 WIB on the due
date is on time.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.pajak.domain import Rules, whole_rupiah

WIB = ZoneInfo("Asia/Jakarta")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (31 Aug + 1 = 30 Sep)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(r: Rules, tax_year: int, issued: date) -> date:
    """The regency's due date of the tax year, but never later than the law's 6 months after
    the SPPT is issued (received); an SPPT issued on or after that date (a new object
    registered late in the year) falls due 6 months after its issue."""
    month, day = r.due_month_day
    regency = date(tax_year, month, day)
    latest = add_months(issued, r.due_months_cap)
    due = min(regency, latest)
    return due if due > issued else latest


def months_late(due: date, paid: date, cap: int) -> int:
    """Months from ``due`` to ``paid``, a part month counted full, at most ``cap``."""
    if paid <= due:
        return 0
    months = max(1, (paid.year - due.year) * 12 + paid.month - due.month - 1)
    while add_months(due, months) < paid:  # the smallest m with due + m months >= paid
        months += 1
    return min(months, cap)


def interest(r: Rules, pokok: int, due: date, paid: date) -> tuple[int, int]:
    """(months counted, interest in whole rupiah) for ``pokok`` paid on ``paid``."""
    months = months_late(due, paid, r.interest_months_cap)
    return months, whole_rupiah(pokok * r.interest_rate * months)


def wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def code_expiry(r: Rules, now: datetime, due: date) -> datetime:
    """When a payment code made ``now`` lapses: the end of the ``kode_bayar_hari``-th WIB day,
    but before the next interest month starts (the amount would change), as UTC-aware time."""
    today = wib_date(now)
    last = today + timedelta(days=r.code_days - 1)
    if today <= due:
        if last > due:
            last = due  # on the due date's end the bill starts bearing interest
    else:
        months = months_late(due, today, r.interest_months_cap)
        if months < r.interest_months_cap:
            boundary = add_months(due, months)  # the last day counted in this month
            last = min(last, boundary)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=WIB)
    return end - timedelta(microseconds=1)
