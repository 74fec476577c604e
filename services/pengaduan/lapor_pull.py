"""Pulling the reports SP4N-LAPOR! assigned to the regency and opening their cases.

One pull asks LAPOR! for the reports assigned since the latest assignment already pulled,
less :data:`OVERLAP` (a report LAPOR! records late under an earlier moment is still seen;
all of them the first time), then, each in its own transaction: skips one whose LAPOR! id
is already known (a second pull opens nothing), else opens a case on the SOP the mapping
names (:mod:`services.pengaduan.lapor_mapping`), keeps the cross-reference with the LAPOR!
deadlines computed now (:mod:`services.pengaduan.lapor_rules`), sets the case's
confidentiality level to LAPOR!'s, and queues the ``terima`` push with the tracking number.

Whose case: a pseudonymous subject per LAPOR! reporter, ``lapor:<32 hex>`` (an HMAC of the
LAPOR! reporter id under the service's PII key; an anonymous report gets one of its own),
with the citizen role. No platform account holds it, so nobody signs in as it; the reporter
follows the report in LAPOR!, which the pushes keep informed. Two reports of one reporter
share the subject, so officers see they come from the same person without knowing who.

The reporter's personal data (name, NIK, phone, address) go into the case's form where the
SOP asks for them (sealed by the case service as every form) and, whole, sealed into the
cross-reference (``reporter_sealed``); never into logs, events or errors.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy.exc import IntegrityError

from services.pengaduan import anonymity, lapor_store
from services.pengaduan.adapters.lapor import LaporClient, LaporReport
from services.pengaduan.lapor_mapping import default_sop, form_for, sop_for
from services.pengaduan.lapor_rules import deadlines_from_env, dues
from services.pengaduan.lapor_tables import LaporReportRow
from shared.calendar.business import OfficeCalendar
from shared.calendar.office_hours import OfficeHours
from shared.engine.errors import InvalidSubmission
from shared.engine.state import Principal
from shared.web.runtime import ServiceRuntime

log = logging.getLogger("halo.pengaduan.lapor")
OVERLAP = timedelta(days=1)


@dataclass(frozen=True)
class PullOutcome:
    opened: int = 0
    known: int = 0
    failed: int = 0


@cache
def _calendar(hours: OfficeHours, extra: tuple[object, ...]) -> OfficeCalendar:
    return OfficeCalendar(office_hours=hours, extra_holidays=extra)  # type: ignore[arg-type]


def office_calendar(runtime: ServiceRuntime) -> OfficeCalendar:
    """The service's office calendar (its office hours and extra days off)."""
    settings = runtime.settings
    return _calendar(settings.office_hours, tuple(settings.extra_holidays))


def reporter_subject(key: bytes, report: LaporReport) -> str:
    """The pseudonymous applicant of a LAPOR! report (see the module)."""
    who = report.pelapor.id if report.pelapor is not None and report.pelapor.id else None
    basis = f"pelapor:{who}" if who else f"laporan:{report.id}"
    return "lapor:" + hmac.new(key, basis.encode(), hashlib.sha256).hexdigest()[:32]


async def _open(runtime: ServiceRuntime, report: LaporReport) -> str:
    """Open the report's case and keep the cross-reference, in one transaction; the outcome."""
    now = runtime.clock()
    who = Principal(subject=reporter_subject(runtime.settings.pii_key, report),
                    roles=frozenset({"citizen"}))
    rules = deadlines_from_env()
    due = dues(office_calendar(runtime), report.diteruskan_pada, rules)
    sealed = runtime.cases.cipher.encrypt(json.dumps(report.pelapor.as_data())) \
        if report.pelapor is not None else None
    async with runtime.sessions() as session:
        if await lapor_store.report_by_lapor_id(session, report.id) is not None:
            return "known"
        row = LaporReportRow(
            id=str(uuid.uuid4()), lapor_id=report.id, kategori=report.kategori,
            instansi=report.instansi, kerahasiaan=report.kerahasiaan, reporter_sealed=sealed,
            assigned_at=report.diteruskan_pada, pulled_at=now, due_verify=due.verifikasi,
            due_followup=due.tindak_lanjut,
            due_followup_extended=due.tindak_lanjut_diperpanjang, extended=False,
            sync_state="gagal_dibuka")
        tries = [(sop_for(report), True), (default_sop(), True), (default_sop(), False)]
        for sop_key, with_reporter in dict.fromkeys(tries):
            try:
                async with session.begin_nested():
                    case = await runtime.cases.open_case(
                        session, who, sop_key, form_for(sop_key, report,
                                                        with_reporter=with_reporter), [])
            except InvalidSubmission:
                continue
            row.case_id, row.tracking_no, row.sop_key = case.id, case.tracking_no, sop_key
            row.agency, row.sync_state, row.last_error = case.agency, "dibuka", None
            break
        else:
            row.last_error = "form-refused"
        session.add(row)
        try:
            await session.flush()
        except IntegrityError:  # another pull took it at the same moment
            await session.rollback()
            return "known"
        if row.case_id is not None:
            await anonymity.set_level(session, row.case_id, report.kerahasiaan, "lapor", now)
            await lapor_store.queue_push(
                session, row, kind="terima", source=f"{row.case_id}:terima",
                text=f"Laporan diterima Pemerintah Kabupaten Lampung Selatan dan dicatat "
                     f"dengan nomor {row.tracking_no}.", at=now)
        await session.commit()
        return "opened" if row.case_id is not None else "failed"


async def pull_once(runtime: ServiceRuntime, client: LaporClient) -> PullOutcome:
    """One pull (raises :class:`LaporUnavailable` while LAPOR! cannot be reached)."""
    async with runtime.sessions() as session:
        latest = await lapor_store.last_assigned(session)
    since = latest - OVERLAP if latest is not None else None
    counts = {"opened": 0, "known": 0, "failed": 0}
    for report in await client.pull_assigned(since):
        outcome = await _open(runtime, report)
        counts[outcome] += 1
        if outcome == "failed":
            log.warning("lapor report could not open a case", extra={"lapor_id": report.id})
    return PullOutcome(**counts)
