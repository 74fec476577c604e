"""Department hooks of the kepegawaian service (see shared.cases.hooks).

bkd-cuti-pegawai:
- at opening, the NIP is checked (form check, before anything is stored), then, in the
  opening's transaction, the employee is found (or registered from the form, to be verified
  by the Analis SDM at step 5) and linked to the applicant's account, the days are counted on
  the office calendar, the request is checked against the rules and the balance (refused
  with the figures), and the days are held as pending on the ledger;
- a corrected resubmission (``lengkapi``) counts again on the merged form, before it is
  stored (``hooks.on_resubmit``): the old hold is released and the corrected days held, or
  the correction is refused with the figures and the case stays returned;
- at step 6 the action chosen must reach the signer the delegation list names;
- completion takes the days (and queues the SIASN record); rejection or withdrawal releases
  them (an expiry, done by the sweeper without hooks, is released by the reconciliation
  loop, :mod:`services.kepegawaian.loops`).

bkd-cuti-diluar-tanggungan-negara: the NIP and the CLTN limits at opening.

The opening's form reaches ``on_open`` in clear but the transaction hook sees it sealed (the
NIP is personal): the NIP read by ``on_open`` is handed to the transaction hook of the same
request through a context variable, never stored elsewhere.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.kepegawaian import (
    messages,  # noqa: F401  (registers the problem codes)
    store,
)
from services.kepegawaian.domain import (
    LeaveAsk,
    LeaveRefused,
    cltn_check,
    parse_nip,
    quote,
    signer_for,
)
from services.kepegawaian.tables import EmployeeRow, LeaveRequestRow
from shared.calendar import OfficeCalendar
from shared.calendar.config import parse_dates
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.errors import InvalidSubmission
from shared.engine.state import Transition
from shared.sop.model import SopDefinition
from shared.web.problems import ProblemError

hooks = Hooks()
CUTI = "bkd-cuti-pegawai"
CLTN = "bkd-cuti-diluar-tanggungan-negara"
SIGNING_STEP = "terbitkan_surat_cuti"


@cache
def _calendar(extra: str) -> OfficeCalendar:
    return OfficeCalendar(extra_holidays=parse_dates(extra))


def office_calendar() -> OfficeCalendar:
    """The office calendar the leave days are counted on: weekends, national holidays and
    cuti bersama, and the regency's own days off (``HALO_EXTRA_HOLIDAYS``, the setting the
    engine's office calendar reads too)."""
    return _calendar(os.environ.get("HALO_EXTRA_HOLIDAYS", ""))
_OPENING: ContextVar[str | None] = ContextVar("bkd_opening_nip", default=None)


def refused(exc: LeaveRefused) -> InvalidSubmission:
    figures: dict[str, Any] = dict(exc.params)
    problem: dict[str, Any] = {"field": exc.field, "problem": exc.code, "ctx": figures,
                               **figures}
    return InvalidSubmission([problem])


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@hooks.on_open(CUTI)
async def check_nip(_sop: SopDefinition, form: dict[str, Any]) -> None:
    value = form.get("nip")
    _OPENING.set(None)
    if not isinstance(value, str) or not value.strip():
        return  # missing or mistyped: the generic form check reports it with the others
    try:
        nip = parse_nip(value)
    except LeaveRefused as exc:
        raise refused(exc) from None
    form["nip"] = nip.digits
    _OPENING.set(nip.digits)


@hooks.on_open(CLTN)
async def check_cltn(_sop: SopDefinition, form: dict[str, Any]) -> None:
    value, kind, start = form.get("nip"), form.get("jenis_usulan"), form.get("tanggal_mulai")
    if not isinstance(value, str) or not value.strip():
        return
    try:
        nip = parse_nip(value)
        form["nip"] = nip.digits
        months = form.get("lama_bulan")
        if isinstance(kind, str) and start is not None:
            cltn_check(kind, months if isinstance(months, int) else None, nip.tmt,
                       _date(start))
    except LeaveRefused as exc:
        raise refused(exc) from None
    except ValueError:
        return  # a malformed date: the generic form check reports it


async def _employee(session: AsyncSession, nip: str, row: CaseRow, at: Any) -> EmployeeRow:
    """The employee of the NIP, linked to the applicant's account; registered from the form
    on the first request (``source = formulir``; the Analis SDM verifies it at step 5)."""
    form = row.form or {}
    found = await store.employee(session, nip)
    if found is not None and found.account_id not in (None, row.applicant_id):
        raise ProblemError(403, "nip-akun-lain")
    linked = await store.employee_of_account(session, row.applicant_id)
    if linked is not None and linked.nip != nip:
        raise ProblemError(409, "akun-nip-lain")
    if found is None:
        number = parse_nip(nip)
        found = EmployeeRow(nip=nip, account_id=row.applicant_id,
                            name_sealed=str(form.get("nama") or ""),
                            jabatan=str(form.get("jabatan") or "")[:200],
                            position=str(form.get("jenis_jabatan") or "pelaksana"),
                            unit=str(form.get("unit_kerja") or "")[:200], kind=number.kind,
                            service_start=number.tmt, source="formulir",
                            created_at=at, updated_at=at)
        session.add(found)
    else:
        found.account_id = row.applicant_id
        if found.source == "formulir":  # not yet from SIASN: the latest form is the best
            found.position = str(form.get("jenis_jabatan") or found.position)
            found.jabatan = str(form.get("jabatan") or found.jabatan)[:200]
            found.unit = str(form.get("unit_kerja") or found.unit)[:200]
            found.updated_at = at
    await session.flush()
    return found


async def _hold(session: AsyncSession, who: EmployeeRow, row: CaseRow, at: Any,
                form: dict[str, Any] | None = None) -> None:
    """Count, check and hold the days of the request the case's form names (``form``: the
    corrected form of a resubmission, not stored yet)."""
    form = form if form is not None else (row.form or {})
    try:
        start, end = _date(form["tanggal_mulai"]), _date(form["tanggal_selesai"])
        kind = str(form["jenis_cuti"])
        abroad = bool(form.get("di_luar_negeri"))
        ask = LeaveAsk(kind, start, end, who.service_start, who.kind,
                       await store.childbirths(session, who.nip, besides=row.id),
                       await store.big_leave_in(session, who.nip, start.year, row.id))
        book = await store.ledger(session, who.nip, start.year, "tahunan", lock=True) \
            if kind == "tahunan" else None
        got = quote(ask, office_calendar(),
                    store.as_year(book) if book is not None else None)
        signer = signer_for(kind, who.position, abroad)
    except LeaveRefused as exc:
        raise refused(exc) from None
    if await store.overlaps(session, who.nip, start, end, besides=row.id) is not None:
        raise InvalidSubmission([{"field": "tanggal_mulai", "problem": "cuti-bertumpuk"}])
    item = await store.request(session, row.id)
    if item is None:
        item = LeaveRequestRow(case_id=row.id, nip=who.nip, siasn="none", created_at=at)
    item.kind, item.start, item.end, item.year = kind, start, end, got.year
    item.working_days, item.abroad = got.days, abroad
    item.signer, item.signer_assumed = signer.signer, signer.assumed
    item.closed_at = None
    await store.reserve(session, item)


@hooks.after_leaving(CUTI)
async def follow_the_case(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                          done: Transition) -> None:
    events = {e.event for e in done.entries}
    at = done.entries[-1].at
    if "case.submitted" in events:
        nip = _OPENING.get()
        if nip is None:
            return  # the form check refused it before; nothing to hold
        _OPENING.set(None)
        await _hold(session, await _employee(session, nip, row, at), row, at)
        return
    item = await store.request(session, row.id)
    if item is None:
        return
    if "case.resubmitted" in events:
        return  # counted again by recount_corrected, before the correction was stored
    if done.case.status == "completed":
        await store.settle(session, item, "taken", at)
    elif done.case.status in ("rejected", "withdrawn", "expired", "archived"):
        await store.settle(session, item, "released", at)


@hooks.on_resubmit(CUTI)
async def recount_corrected(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                            done: Transition, form: dict[str, Any]) -> None:
    """The corrected form counts again: the old hold is released and the new days held (a
    refusal leaves both as they were: the request writes nothing)."""
    item = await store.request(session, row.id)
    if item is None:
        return
    at = done.entries[-1].at
    await store.settle(session, item, "released", at)
    who = await store.employee(session, item.nip)
    assert who is not None
    await _hold(session, who, row, at, form)


LABELS = {"kepala_bkd": "Kepala BKD", "sekda": "Sekretaris Daerah", "bupati": "Bupati"}


@hooks.before_leaving(CUTI, SIGNING_STEP)
async def signer_by_position(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                             done: Transition) -> None:
    item = await store.request(session, row.id)
    if item is None:
        return
    chosen = next((e.action for e in done.entries if e.step_id == SIGNING_STEP), None)
    who = await store.employee(session, item.nip)
    assert who is not None
    rule = signer_for(item.kind, who.position, item.abroad)
    if chosen is not None and chosen != rule.action:
        raise ProblemError(422, "cuti-penandatangan-salah", penandatangan=LABELS[rule.signer],
                           aksi=rule.action, aturan=rule.source)
