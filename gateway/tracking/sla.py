"""An agency's SLA report from the tracking read model: per SOP, how the cases submitted in a
period fared against their standard times.

The cases are the agency's (its SOPs') cases **submitted** in the period: calendar dates in
Asia/Jakarta (the agency's calendar), both ends included. For each one, where it stands now:
``completed``, ``rejected``, still ``open`` (open or returned to the applicant), and the rest
(withdrawn, expired, archived) counted only in ``submitted``. A step went overdue when the
sweeper wrote ``case.overdue`` for it (:mod:`shared.engine.timed`); a completed case is on
time when none of its steps did. ``escalated``: cases a late step escalated a second time
(``case.escalated``, to the supervisor's supervisor). ``overdue_open``: open cases whose current
step is late now. ``median_working_days``: of the completed cases, the working days on the
agency's calendar from the day of submission to the day of completion (a case finished on the
working day after it came in took 1).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Exists, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.survey.service import may_report
from gateway.tracking.agency import calendar_of
from gateway.tracking.schemas_agency import SlaReport, SlaRow
from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.calendar.business import OfficeCalendar
from shared.engine.state import OPEN_STATUSES, Principal
from shared.registry import load_registry
from shared.web.problems import ProblemError

Row = TrackedCaseRow
Event = TrackedEventRow
MAX_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
CSV_COLUMNS = ("sop_key", "title", "service", "submitted", "completed", "rejected", "open",
               "completed_on_time", "completed_late", "on_time_rate", "overdue_open",
               "escalated", "median_working_days")


def supervisor_roles(agency: str) -> frozenset[str]:
    """The roles the agency's late steps escalate to (``shared.registry``), at any level."""
    registry = load_registry()
    found = {registry.supervisor(agency, role) for role in registry.agency_roles(agency)}
    return frozenset(r for r in found if r)


def may_read_sla(who: Principal, agency: str) -> bool:
    """Whoever may read the agency's survey report (the platform admin and the agency's
    admin), and the agency's supervisor roles."""
    return may_report(who, agency) or any(who.has(agency, r) for r in supervisor_roles(agency))


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The dates asked for, checked: by default the current month so far; ``from`` <= ``to``,
    at most :data:`MAX_DAYS` days, between :data:`EARLIEST` and :data:`LATEST`. A refusal
    is 422 ``validation-error`` naming the parameter."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            _refuse(name, "date-out-of-range", min=EARLIEST.isoformat(), max=LATEST.isoformat())
    end = end or today
    start = start or end.replace(day=1)
    if start > end:
        _refuse("from", "period-reversed", start=start.isoformat(), end=end.isoformat())
    days = (end - start).days + 1
    if days > MAX_DAYS:
        _refuse("to", "period-too-long", max_days=MAX_DAYS, days=days)
    return start, end


def _refuse(name: str, problem: str, **ctx: object) -> None:
    raise ProblemError(422, "validation-error",
                       errors=[{"field": f"query.{name}", "problem": problem, "ctx": ctx}])


@dataclass(frozen=True)
class Facts:
    """What the report needs of one case."""

    sop_key: str
    title: str
    service: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    step_due_at: datetime | None
    went_late: bool
    escalated: bool


def _had(kind: str) -> Exists:
    return exists().where(and_(col(Event.case_id) == col(Row.case_id), col(Event.type) == kind))


async def facts(session: AsyncSession, agency: str, start: date, end: date) -> list[Facts]:
    tz = calendar_of(agency).tz
    lower = datetime.combine(start, time(0), tz)
    upper = datetime.combine(end + timedelta(days=1), time(0), tz)
    query = select(col(Row.sop_key), col(Row.title), col(Row.service), col(Row.status),
                   col(Row.created_at), col(Row.closed_at), col(Row.step_due_at),
                   _had("case.overdue"), _had("case.escalated")
                   ).where(col(Row.agency) == agency, col(Row.created_at) >= lower,
                           col(Row.created_at) < upper
                           ).order_by(col(Row.sop_key), col(Row.created_at))
    return [Facts(*row) for row in (await session.execute(query)).all()]


def working_days(calendar: OfficeCalendar, start: datetime, end: datetime) -> int:
    """Working days on ``calendar`` after the day of ``start``, up to the day of ``end``."""
    first, last = start.astimezone(calendar.tz).date(), end.astimezone(calendar.tz).date()
    return sum(1 for n in range(1, (last - first).days + 1)
               if calendar.is_working_day(first + timedelta(days=n)))


def row(cases: list[Facts], calendar: OfficeCalendar, now: datetime,
        sop: Facts | None = None) -> SlaRow:
    done = [c for c in cases if c.status == "completed"]
    on_time = sum(1 for c in done if not c.went_late)
    durations = [working_days(calendar, c.created_at, c.closed_at) for c in done if c.closed_at]
    return SlaRow(
        sop_key=sop.sop_key if sop else None, title=sop.title if sop else None,
        service=sop.service if sop else None, submitted=len(cases), completed=len(done),
        rejected=sum(1 for c in cases if c.status == "rejected"),
        open=sum(1 for c in cases if c.status in OPEN_STATUSES),
        completed_on_time=on_time, completed_late=len(done) - on_time,
        on_time_rate=round(on_time / len(done), 4) if done else None,
        overdue_open=sum(1 for c in cases if c.status == "open" and c.step_due_at is not None
                         and c.step_due_at < now),
        escalated=sum(1 for c in cases if c.escalated),
        median_working_days=float(statistics.median(durations)) if durations else None)


async def report(session: AsyncSession, agency: str, start: date, end: date,
                 now: datetime) -> SlaReport:
    cases = await facts(session, agency, start, end)
    calendar = calendar_of(agency)
    by_sop: dict[str, list[Facts]] = {}
    for case in cases:
        by_sop.setdefault(case.sop_key, []).append(case)
    sops = [row(group, calendar, now, group[-1]) for _key, group in sorted(by_sop.items())]
    return SlaReport.model_validate({
        "agency": agency, "from": start, "to": end, "generated_at": now,
        "totals": row(cases, calendar, now), "sops": sops})


def _cells(item: SlaRow) -> Iterable[object]:
    for name in CSV_COLUMNS:
        value = getattr(item, name)
        yield "" if value is None else value


def to_csv(report: SlaReport) -> str:
    """The report as CSV: a header row, one row per SOP, then the totals (``sop_key`` empty,
    ``title`` ``TOTAL``); commas, fields quoted where needed, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in report.sops:
        writer.writerow(_cells(item))
    writer.writerow(_cells(report.totals.model_copy(update={"title": "TOTAL"})))
    return out.getvalue()


def csv_filename(report: SlaReport) -> str:
    return f"sla-{report.agency}-{report.from_.isoformat()}-{report.to.isoformat()}.csv"
