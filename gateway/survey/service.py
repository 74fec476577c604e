"""What the survey endpoints do: answer once after closing, and the IKM reports. Never commits.

Who may answer: the case's applicant only (anyone else gets 404 ``case-not-found``, as in
tracking, so a guessed number reveals nothing), once the tracking read model shows the case
closed with an outcome: completed, rejected, archived (tidak dapat ditindaklanjuti) or expired
(the applicant's deadline passed). A withdrawn case is not surveyed. The comment is free text:
runs of digits that could be a NIK, KK or phone number are masked before it is stored.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.survey import domain, store
from gateway.survey.regulation import ELEMENT_KEYS, ELEMENTS, REGULATION, SCALE
from gateway.survey.schemas import (
    AgencyReport,
    Answered,
    Choice,
    CommentOut,
    ElementReport,
    LocalText,
    PeriodOut,
    PublicReport,
    Question,
    Questionnaire,
    Sample,
    SopReport,
    SurveyAnswer,
    SurveyState,
    SurveyStatus,
    UnitReport,
)
from gateway.survey.tables import SurveyResponseRow
from gateway.tracking.tables import TrackedCaseRow
from shared.cases.event_data import scrub
from shared.engine.state import OPEN_STATUSES, Principal
from shared.registry import load_registry
from shared.web.i18n import message
from shared.web.problems import ProblemError

JAKARTA = ZoneInfo("Asia/Jakarta")
PUBLIC_MIN_RESPONDENTS = 5
"""Below this many answers the public page shows counts but no score: with one or two
respondents the "aggregate" would be one person's rating, recognisable to the office."""
COMMENTS_LIMIT = 200


@cache
def questionnaire() -> Questionnaire:
    return Questionnaire(source=REGULATION, elements=[
        Question(id=e.key, letter=e.letter, name=LocalText(id=e.name.id, en=e.name.en),
                 question=LocalText(id=e.question.id, en=e.question.en),
                 choices=[Choice(value=v, label=LocalText(id=t.id, en=t.en))
                          for v, t in zip(SCALE, e.labels, strict=True)])
        for e in ELEMENTS])


def owned_case(case: TrackedCaseRow | None, who: Principal) -> TrackedCaseRow:
    if case is None or not case.applicant or case.applicant != who.subject:
        raise ProblemError(404, "case-not-found")
    return case


def state_of(case: TrackedCaseRow, answered: SurveyResponseRow | None) -> SurveyState:
    if answered is not None:
        return "answered"
    if case.status in OPEN_STATUSES:
        return "not_closed"
    return "open" if case.status in store.ELIGIBLE_STATUSES else "not_eligible"


async def status(session: AsyncSession, case: TrackedCaseRow) -> SurveyStatus:
    answered = await store.response_for(session, case.case_id)
    state = state_of(case, answered)
    return SurveyStatus(
        tracking_no=case.tracking_no, service=case.service, sop_key=case.sop_key,
        title=case.title, agency=case.agency, status=case.status, closed_at=case.closed_at,
        state=state, can_answer=state == "open",
        answered_at=answered.answered_at if answered else None,
        answers=answered.scores() if answered else None, questionnaire=questionnaire())


async def answer(session: AsyncSession, case: TrackedCaseRow, body: SurveyAnswer,
                 now: datetime) -> Answered:
    state = state_of(case, None)
    if state == "not_closed":
        raise ProblemError(409, "survey-case-open", case_status=case.status)
    if state == "not_eligible":
        raise ProblemError(409, "survey-not-eligible", case_status=case.status)
    scores = body.answers.model_dump()
    comment = scrub((body.comment or "").strip()) or None
    row = SurveyResponseRow(
        case_id=case.case_id, tracking_no=case.tracking_no, service=case.service,
        agency=case.agency, sop_key=case.sop_key, closed_at=case.closed_at or case.updated_at,
        answered_at=now, comment=comment, **scores)
    if not await store.add(session, row):
        raise ProblemError(409, "survey-already-answered")
    return Answered(tracking_no=case.tracking_no, answered_at=now, answers=scores)


def agency_name(agency: str) -> str:
    info = load_registry().agencies.get(agency)
    if info is None:
        raise ProblemError(404, "survey-agency-not-found", agency=agency)
    return info.name


def may_report(who: Principal, agency: str) -> bool:
    """The platform admin, or the agency's own admin (``<agency>:admin``)."""
    return who.is_admin or who.has(agency, "admin")


def period(start: date | None, end: date | None, now: datetime) -> tuple[PeriodOut, store.Period]:
    """Calendar dates in Asia/Jakarta, both ends included; by default the year so far."""
    today = now.astimezone(JAKARTA).date()
    end = end or today
    start = start or date(end.year, 1, 1)
    if start > end:
        raise ProblemError(422, "survey-period-invalid", start=start.isoformat(),
                           end=end.isoformat())
    lower = datetime.combine(start, time(0), JAKARTA)
    upper = datetime.combine(end + timedelta(days=1), time(0), JAKARTA)
    return PeriodOut(start=start, end=end), store.Period(lower, upper)


def _sample(respondents: int, population: int, lang: str) -> Sample:
    minimum = domain.minimum_sample(population)
    sufficient = respondents >= minimum
    warning = None if sufficient else message(
        "survey.sample-below-minimum", lang,
        {"respondents": respondents, "minimum": minimum, "population": population})
    return Sample(respondents=respondents, population=population, minimum_sample=minimum,
                  sample_sufficient=sufficient, warning=warning)


def unit_report(totals: store.Totals, population: int, lang: str) -> UnitReport:
    index = domain.index(totals.elements) if totals.respondents else None
    names = {e.key: e.name for e in ELEMENTS}
    elements = [ElementReport(
        id=r.key, name=names[r.key].en if lang == "en" else names[r.key].id, total=r.total,
        answered=r.answered, nrr=float(domain.rounded(r.nrr, 3)),
        nrr_weighted=float(domain.rounded(r.weighted, 4))) for r in (index.elements
                                                                      if index else ())]
    grade = index.grade if index else None
    return UnitReport(
        **_sample(totals.respondents, population, lang).model_dump(),
        elements=elements, ikm=float(domain.rounded(index.ikm, 4)) if index else None,
        ikm_conversion=float(index.conversion) if index else None,
        quality=grade.quality if grade else None,
        performance=LocalText(id=grade.performance.id, en=grade.performance.en)
        if grade else None)


def merged(parts: list[store.Totals]) -> store.Totals:
    out = store.Totals()
    for part in parts:
        out.respondents += part.respondents
        for key in ELEMENT_KEYS:
            total, answered = out.elements.get(key, (0, 0))
            more = part.elements.get(key, (0, 0))
            out.elements[key] = (total + more[0], answered + more[1])
    return out


async def agency_report(session: AsyncSession, agency: str, sop_key: str | None,
                        span: tuple[PeriodOut, store.Period], lang: str) -> AgencyReport:
    shown, when = span
    name = agency_name(agency)
    sums = await store.totals(session, agency, sop_key, when)
    counts = await store.population(session, agency, sop_key, when)
    keys = set(sums) | set(counts)
    titles = await store.titles(session, agency, keys)
    per_sop = [SopReport(sop_key=k, title=titles.get(k, ""),
                         **unit_report(sums.get(k, store.Totals()), counts.get(k, 0),
                                       lang).model_dump())
               for k in sorted(keys)]
    unit = unit_report(merged(list(sums.values())), sum(counts.values()), lang)
    notes = await store.comments(session, agency, sop_key, when, COMMENTS_LIMIT)
    return AgencyReport(
        agency=agency, agency_name=name, sop_key=sop_key, period=shown, unit=unit,
        per_sop=per_sop,
        comments=[CommentOut(sop_key=s, answered_on=a.astimezone(JAKARTA).date(), text=t)
                  for s, a, t in notes])


async def public_report(session: AsyncSession, agency: str,
                        span: tuple[PeriodOut, store.Period], lang: str) -> PublicReport:
    shown, when = span
    name = agency_name(agency)
    sums = await store.totals(session, agency, None, when)
    unit = unit_report(merged(list(sums.values())),
                       sum((await store.population(session, agency, None, when)).values()),
                       lang)
    published = unit.respondents >= PUBLIC_MIN_RESPONDENTS
    notice = None if published else message(
        "survey.too-few-to-publish", lang,
        {"respondents": unit.respondents, "threshold": PUBLIC_MIN_RESPONDENTS})
    return PublicReport(
        respondents=unit.respondents, population=unit.population,
        minimum_sample=unit.minimum_sample, sample_sufficient=unit.sample_sufficient,
        warning=unit.warning, agency=agency, agency_name=name, period=shown,
        published=published, notice=notice,
        ikm_conversion=unit.ikm_conversion if published else None,
        quality=unit.quality if published else None,
        performance=unit.performance if published else None)
