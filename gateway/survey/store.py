"""Every query of the survey part: its answer sheets, and the tracking read model it counts
the population from. Nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.survey.regulation import ELEMENT_KEYS
from gateway.survey.tables import SurveyResponseRow
from gateway.tracking.tables import TrackedCaseRow

Row = SurveyResponseRow
ELIGIBLE_STATUSES = ("completed", "rejected", "archived", "expired")
"""Closed with an outcome of the service; ``withdrawn`` (the applicant stopped) is not."""


@dataclass
class Totals:
    """One unit's answer sheets, summed: respondents and each unsur's (Σ score, answered)."""

    respondents: int = 0
    elements: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """Half-open ``[start, end)`` in UTC."""

    start: datetime
    end: datetime


async def response_for(session: AsyncSession, case_id: str) -> Row | None:
    return await session.scalar(select(Row).where(col(Row.case_id) == case_id))


async def add(session: AsyncSession, row: Row) -> bool:
    """Store ``row``; ``False`` when the case already has an answer sheet (the unique index
    refused it, also when a concurrent request stored one first)."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


def _scope(agency: str, sop_key: str | None, period: Period) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [
        col(Row.agency) == agency, col(Row.answered_at) >= period.start,
        col(Row.answered_at) < period.end]
    if sop_key:
        conds.append(col(Row.sop_key) == sop_key)
    return conds


async def totals(session: AsyncSession, agency: str, sop_key: str | None,
                 period: Period) -> dict[str, Totals]:
    """Per SOP: respondents and each unsur's sum and count, answered in ``period``."""
    columns = [col(getattr(Row, k)) for k in ELEMENT_KEYS]
    query = (select(col(Row.sop_key), func.count(),
                    *(func.coalesce(func.sum(c), 0) for c in columns),
                    *(func.count(c) for c in columns))
             .where(and_(*_scope(agency, sop_key, period)))
             .group_by(col(Row.sop_key)))
    out: dict[str, Totals] = {}
    n = len(ELEMENT_KEYS)
    for sop, count, *rest in (await session.execute(query)).all():
        sums, counts = rest[:n], rest[n:]
        out[str(sop)] = Totals(int(count), {k: (int(s), int(c)) for k, s, c
                                            in zip(ELEMENT_KEYS, sums, counts, strict=True)})
    return out


async def population(session: AsyncSession, agency: str, sop_key: str | None,
                     period: Period) -> dict[str, int]:
    """Per SOP: the agency's cases closed with an outcome in ``period`` (tracking model)."""
    case = TrackedCaseRow
    conds = [col(case.agency) == agency, col(case.status).in_(ELIGIBLE_STATUSES),
             col(case.closed_at) >= period.start, col(case.closed_at) < period.end]
    if sop_key:
        conds.append(col(case.sop_key) == sop_key)
    query = (select(col(case.sop_key), func.count()).where(and_(*conds))
             .group_by(col(case.sop_key)))
    return {str(sop): int(n) for sop, n in (await session.execute(query)).all()}


async def titles(session: AsyncSession, agency: str, sop_keys: set[str]) -> dict[str, str]:
    """A title for each SOP key, as the tracking read model last saw it."""
    if not sop_keys:
        return {}
    case = TrackedCaseRow
    query = (select(col(case.sop_key), func.max(col(case.title)))
             .where(col(case.agency) == agency, col(case.sop_key).in_(sorted(sop_keys)))
             .group_by(col(case.sop_key)))
    return {str(sop): str(title or "") for sop, title in (await session.execute(query)).all()}


async def comments(session: AsyncSession, agency: str, sop_key: str | None, period: Period,
                   limit: int) -> list[tuple[str, datetime, str]]:
    """The newest comments (SOP, answered at, text), without anything naming the case."""
    query = (select(col(Row.sop_key), col(Row.answered_at), col(Row.comment))
             .where(and_(*_scope(agency, sop_key, period)),
                    col(Row.comment).is_not(None))
             .order_by(col(Row.answered_at).desc(), col(Row.id).desc()).limit(limit))
    return [(str(s), a, str(c)) for s, a, c in (await session.execute(query)).all()]
