"""Department routes of the dukcapil service.

* ``POST /usia/periksa``: which SOP serves a child born on a day (KIA 0-5 or 5-17 years,
  akta kelahiran 1-60 or more than 60 days), on a reference day (default: today in
  Asia/Jakarta). Public, like the catalog: a birth date alone names nobody. POST so the date
  stays out of URLs and access logs.
* ``GET /siak/catatan``: the SIAK records of issued documents and their state, for
  Disdukcapil's officers (and platform admins); no personal data in them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from services.dukcapil import (
    messages,  # noqa: F401  (registers the problem codes)
    store,
)
from services.dukcapil.domain import age_days, age_years, local_day
from services.dukcapil.domain_bands import family_named
from shared.times import UtcDatetime
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError

router = APIRouter(tags=["dukcapil"])
AGENCY = "disdukcapil"


class AgeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    layanan: Literal["kia", "akta_kelahiran"]
    tanggal_lahir: date
    tanggal: date | None = None
    """The reference day (default: today in Asia/Jakarta)."""


class AgeAnswer(BaseModel):
    layanan: str
    tanggal: date
    usia_tahun: int
    usia_hari: int
    sop_key: str | None
    """The SOP to apply through; None when the service has none for this age (a KIA at 17)."""
    nama: str | None


@router.post("/usia/periksa", response_model=AgeAnswer)
async def check_age(body: AgeQuery, runtime: RuntimeDep) -> AgeAnswer:
    """Which SOP serves a child born on ``tanggal_lahir`` (before submitting the form)."""
    family = family_named(body.layanan)
    if family is None:  # pragma: no cover (the Literal already bounds it)
        raise ProblemError(422, "age-unknown-service")
    on = body.tanggal or local_day(runtime.clock())
    if body.tanggal_lahir > on:
        raise ProblemError(422, "age-birth-in-future", errors=[
            {"field": "tanggal_lahir", "problem": "age-birth-in-future"}])
    band = family.choose(body.tanggal_lahir, on)
    return AgeAnswer(layanan=body.layanan, tanggal=on,
                     usia_tahun=age_years(body.tanggal_lahir, on),
                     usia_hari=age_days(body.tanggal_lahir, on),
                     sop_key=band.sop_key if band else None,
                     nama=band.name_id if band else None)


class SiakRecordOut(BaseModel):
    id: str
    case_id: str
    sop_key: str
    kind: str
    document_number: str
    status: str
    attempts: int
    created_at: UtcDatetime
    sent_at: UtcDatetime | None
    next_attempt_at: UtcDatetime | None
    siak_ref: str | None
    last_error: str | None


@router.get("/siak/catatan", response_model=list[SiakRecordOut])
async def siak_records(
        who: CurrentPrincipal, session: SessionDep,
        case_id: Annotated[str | None, Query(min_length=36, max_length=36)] = None,
        status: Annotated[Literal["pending", "sent", "failed"] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[SiakRecordOut]:
    """The SIAK records (newest first), by case or state: Disdukcapil officers only."""
    if not (who.is_admin or AGENCY in who.agencies()):
        raise ProblemError(403, "forbidden")
    rows = await store.records(session, case_id=case_id, status=status, limit=limit)
    return [SiakRecordOut(id=r.id, case_id=r.case_id, sop_key=r.sop_key, kind=r.kind,
                          document_number=r.document_number, status=r.status,
                          attempts=r.attempts, created_at=r.created_at, sent_at=r.sent_at,
                          next_attempt_at=r.next_attempt_at, siak_ref=r.siak_ref,
                          last_error=r.last_error) for r in rows]
