"""Survey endpoints: the applicant's answer sheet, the agency's IKM report, the public page.

The fixed paths (``reports``, ``public/…``) are declared before ``{tracking_no}``; a tracking
number never reads ``reports``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from gateway.survey import service
from gateway.survey.deps import LanguageDep, RuntimeDep, SessionDep
from gateway.survey.schemas import AgencyReport, Answered, PublicReport, SurveyAnswer, SurveyStatus
from gateway.tracking import queries
from shared.cases.tracking import normalise
from shared.web.deps import CurrentPrincipal
from shared.web.problems import ProblemError

router = APIRouter(prefix="/api/v1/survey", tags=["survey"])
AgencyKey = Annotated[str, Query(min_length=1, max_length=60)]
# Bounded: a day at either end of ``date`` has no midnight in Asia/Jakarta to count from.
From = Annotated[date | None, Query(alias="from", ge=date(2000, 1, 1), le=date(2100, 12, 31))]
To = Annotated[date | None, Query(alias="to", ge=date(2000, 1, 1), le=date(2100, 12, 31))]


@router.get("/reports", response_model=AgencyReport)
async def report(agency: AgencyKey, who: CurrentPrincipal, session: SessionDep,
                 runtime: RuntimeDep, lang: LanguageDep,
                 sop_key: Annotated[str | None, Query(max_length=120)] = None,
                 start: From = None, end: To = None) -> AgencyReport:
    """The agency's IKM for the period (answers counted by ``answered_at``; dates in
    Asia/Jakarta, both included; default the year so far): per unsur NRR and NRR tertimbang,
    IKM, IKM × 25, mutu and kinerja, respondents against the Krejcie–Morgan minimum for the
    population, and the same per SOP; with the newest comments, which name no case. For the
    platform admin and the agency's own admins (``<agency>:admin``); others get 403."""
    service.agency_name(agency)
    if not service.may_report(who, agency):
        raise ProblemError(403, "forbidden")
    span = service.period(start, end, runtime.clock())
    return await service.agency_report(session, agency, sop_key, span, lang)


@router.get("/public/{agency}", response_model=PublicReport)
async def public(agency: str, session: SessionDep, runtime: RuntimeDep, lang: LanguageDep,
                 start: From = None, end: To = None) -> PublicReport:
    """Public, no sign-in: the agency's IKM × 25, mutu and kinerja for the period, with the
    number of respondents and the sample warning. No comments and nothing per person; below
    5 respondents the score is withheld (the counts are still shown)."""
    span = service.period(start, end, runtime.clock())
    return await service.public_report(session, agency, span, lang)


@router.get("/{tracking_no}", response_model=SurveyStatus)
async def survey_status(tracking_no: str, who: CurrentPrincipal,
                        session: SessionDep) -> SurveyStatus:
    """Whether the caller may answer the survey of their case now, or has answered it, with
    the questionnaire (questions and answer labels in id and en). Only the case's applicant;
    anyone else gets 404."""
    case = await queries.by_tracking_no(session, normalise(tracking_no.strip()))
    return await service.status(session, service.owned_case(case, who))


@router.post("/{tracking_no}", response_model=Answered, status_code=201)
async def answer(tracking_no: str, body: SurveyAnswer, who: CurrentPrincipal,
                 session: SessionDep, runtime: RuntimeDep) -> Answered:
    """The applicant's one answer sheet for a closed case: ``answers`` u1–u9, each 1–4, and
    an optional ``comment`` (at most 1000 characters). 409 ``survey-case-open`` before the
    case closes, 409 ``survey-already-answered`` the second time."""
    case = await queries.by_tracking_no(session, normalise(tracking_no.strip()))
    return await service.answer(session, service.owned_case(case, who), body, runtime.clock())
