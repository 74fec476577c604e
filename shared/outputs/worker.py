"""The output worker: renders, signs and stores pending outputs, then records them issued.

The pending row written with the step's transition is the job (the outbox of this work).
Each pass, in three short steps so no database transaction waits on the signing service:

1. *claim*: due pending rows (``ix_case_outputs_due``; skip-locked on PostgreSQL) get one
   more attempt and a lease (``next_attempt_at`` moves ahead), and what the PDF shows is
   read;
2. *render and sign* outside any transaction, and store the signed file;
3. *finish*: with the case row locked, append ``case.output_issued`` (history and outbox,
   the next ``seq``) and mark the output issued, in one transaction.

A failure is recorded on the row (``attempts``, ``last_error`` without personal data) and
retried with exponential backoff; the row is never lost. A case or SOP version that no
longer exists marks it ``failed``. A failure that cannot be recorded because the database is
away (it went while the job was signed or finished) is kept by the worker and recorded at its
first pass once the database is back, so the row waits its backoff, not the rest of its
claim's lease; only a restart of the process in between leaves it to the lease.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from shared.aio.waiting import first_of
from shared.cases.catalog import SopCatalog
from shared.cases.documents import StoredFile, Upload
from shared.cases.hooks import CONCEALED
from shared.cases.pii import PiiCipher
from shared.cases.store import CaseStore, row_to_state
from shared.observability.metrics import OUTPUT_FAILURES, OUTPUTS_ISSUED, OUTPUTS_PENDING
from shared.outputs.codes import mask_number
from shared.outputs.history import note
from shared.outputs.issuer import holder_name, holder_nik, jabatan
from shared.outputs.render import Document, render_pdf
from shared.outputs.rows import load as load_rows
from shared.outputs.settings import OutputSettings
from shared.outputs.signing import Signer, SignerIdentity
from shared.outputs.store import OutputStore
from shared.outputs.tables import CaseOutputRow
from shared.registry import Registry

log = logging.getLogger("halo.outputs")
_DIGITS = re.compile(r"\d{6,}")


class OutputStorage(Protocol):
    """Where signed files go: the service's document store (``runtime.cases.storage``)."""

    async def save(self, upload: Upload) -> StoredFile: ...

    async def read_bytes(self, path: str) -> bytes: ...


class BytesReader:
    """An upload's ``file`` over bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    async def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk, self._pos = self._data[self._pos:end], min(end, len(self._data))
        return chunk


@dataclass(frozen=True)
class Job:
    output_id: str
    attempts: int
    document: Document
    signer: SignerIdentity


class Permanent(Exception):
    """The output can never be made (its case or SOP version is gone)."""


class OutputWorker:
    def __init__(self, service: str, sessions: async_sessionmaker[AsyncSession],
                 catalog: SopCatalog, cases: CaseStore, registry: Registry, cipher: PiiCipher,
                 storage: OutputStorage, signer: Signer, settings: OutputSettings,
                 clock: Callable[[], datetime], *, batch: int = 20,
                 lease_s: float = 300.0) -> None:
        self.service = service
        self.sessions = sessions
        self.catalog, self.cases, self.registry = catalog, cases, registry
        self.cipher, self.storage, self.signer = cipher, storage, signer
        self.settings, self.clock = settings, clock
        self.store = OutputStore()
        self._batch, self._lease = batch, timedelta(seconds=lease_s)
        self._wake = asyncio.Event()
        self._unrecorded: dict[str, tuple[int, str, bool]] = {}
        """Failures not yet written to their rows (the database was away), by output id: the
        attempts, the error's text, whether it is permanent."""

    def notify(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Issue the due pending outputs; return how many were issued."""
        await self._record_kept()
        issued = 0
        for job in await self._claim():
            try:
                pdf = await asyncio.to_thread(render_pdf, job.document)
                signed = await self.signer.sign(pdf, job.signer)
                stored = await self.storage.save(Upload(
                    key="output", filename=_filename(job.document.number),
                    content_type="application/pdf", file=BytesReader(signed)))
                issued += await self._finish(job, signed, stored.path)
            except Exception as exc:  # recorded on the row and retried with backoff
                await self._failed(job.output_id, job.attempts, exc)
        return issued

    async def backlog(self) -> int:
        """Pending outputs (due or backing off), also set on ``halo_outputs_pending``."""
        async with self.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(CaseOutputRow)
                                         .where(col(CaseOutputRow.status) == "pending"))
        OUTPUTS_PENDING.labels(self.service).set(count or 0)
        return int(count or 0)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                if not await self.run_once():
                    await self.backlog()
            except Exception as exc:  # the database is busy or down: try again next pass
                log.warning("output pass failed", extra={"service": self.service,
                                                         "error": type(exc).__name__})
            await first_of(stop, self._wake, seconds=self.settings.poll_s)

    async def _claim(self) -> list[Job]:
        jobs: list[Job] = []
        async with self.sessions() as session:
            now = self.clock()
            for out in await self.store.due(session, now, self._batch):
                out.attempts += 1
                out.next_attempt_at = now + self._lease
                try:
                    jobs.append(await self._job(session, out))
                except Permanent as exc:
                    out.status, out.last_error = "failed", str(exc)
                except Exception as exc:  # e.g. a form the key cannot open: this row waits,
                    # backing off like a signing failure; it never holds up the others
                    OUTPUT_FAILURES.labels(self.service).inc()
                    log.warning("output not prepared, retrying", extra={
                        "service": self.service, "output_id": out.id,
                        "error": type(exc).__name__})
                    out.last_error = _error_text(exc)
                    out.next_attempt_at = now + self._backoff(out.attempts)
            await session.commit()
        return jobs

    async def _job(self, session: AsyncSession, out: CaseOutputRow) -> Job:
        row = await self.cases.get(session, out.case_id)
        sop = await self.catalog.get(session, out.sop_key, out.sop_version) if row else None
        if row is None or sop is None:
            raise Permanent("permohonan atau versi SOP tidak ditemukan")
        clear = self.cipher.open_form(row.form, sop.personal_fields())
        concealed = out.holder_masked == CONCEALED  # the issuer found the holder concealed
        nik = None if concealed else holder_nik(sop, clear)
        info = self.registry.agencies.get(out.agency)
        agency_name = info.name if info else out.agency
        office = jabatan(self.registry, out.agency, out.signer_role)
        document = Document(
            kind=out.kind, title=out.title, number=out.number, verify_code=out.verify_code,
            verify_url=self.settings.verify_url(out.verify_code), agency_name=agency_name,
            sop_title=sop.display_title or sop.title, tracking_no=row.tracking_no,
            holder=CONCEALED if concealed else holder_name(sop, clear),
            nik_masked=mask_number(nik) if nik else None,
            issued_at=out.created_at, valid_until=out.valid_until, signer_jabatan=office,
            signer_name=out.signer_name, rows=load_rows(out.detail_rows))
        identity = SignerIdentity(subject=out.signer_id, name=out.signer_name,
                                  role=out.signer_role, jabatan=office, agency=out.agency,
                                  agency_name=agency_name)
        return Job(out.id, out.attempts, document, identity)

    async def _finish(self, job: Job, signed: bytes, path: str) -> int:
        async with self.sessions() as session:
            out = await self.store.get(session, job.output_id, lock=True)
            if out is None or out.status != "pending":
                await session.rollback()
                return 0  # another worker finished it first
            row = await self.cases.get(session, out.case_id, lock=True)
            sop = await self.catalog.get(session, out.sop_key, out.sop_version)
            if row is None or sop is None:
                raise Permanent("permohonan atau versi SOP tidak ditemukan")
            now = self.clock()
            done = note(row_to_state(row), "case.output_issued", now, {"output": {
                "id": out.id, "kind": out.kind, "title": out.title, "number": out.number,
                "verify_code": out.verify_code}}, actor_agency=out.agency)
            await self.cases.apply(session, sop, done, row=row)
            out.status, out.issued_at, out.storage_path = "issued", now, path
            out.sha256, out.size = hashlib.sha256(signed).hexdigest(), len(signed)
            out.last_error = out.next_attempt_at = None
            await session.commit()
        OUTPUTS_ISSUED.labels(self.service, job.document.kind).inc()
        return 1

    async def _failed(self, output_id: str, attempts: int, exc: Exception) -> None:
        OUTPUT_FAILURES.labels(self.service).inc()
        log.warning("output not issued, retrying", extra={
            "service": self.service, "output_id": output_id, "error": type(exc).__name__})
        failure = (attempts, _error_text(exc), isinstance(exc, Permanent))
        try:
            await self._record(output_id, *failure)
        except Exception as away:  # kept, recorded at the next pass (see the module)
            self._unrecorded[output_id] = failure
            log.warning("output failure not recorded, kept for the next pass", extra={
                "service": self.service, "output_id": output_id,
                "error": type(away).__name__})

    async def _record_kept(self) -> None:
        """Write the failures kept while the database was away (raises while it still is)."""
        for output_id, failure in list(self._unrecorded.items()):
            await self._record(output_id, *failure)
            del self._unrecorded[output_id]

    async def _record(self, output_id: str, attempts: int, error: str, permanent: bool) -> None:
        async with self.sessions() as session:
            out = await self.store.get(session, output_id, lock=True)
            if out is not None and out.status == "pending":
                out.last_error = error
                if permanent:
                    out.status = "failed"
                else:
                    out.next_attempt_at = self.clock() + self._backoff(attempts)
            await session.commit()

    def _backoff(self, attempts: int) -> timedelta:
        """5 s after the first failure, doubling, up to ``max_backoff_s``."""
        return timedelta(seconds=min(self.settings.max_backoff_s,
                                     5.0 * 2 ** max(0, attempts - 1)))


def _error_text(exc: Exception) -> str:
    """What a row keeps of a failure: the type and message, digits masked, bounded."""
    return _DIGITS.sub("[angka]", f"{type(exc).__name__}: {exc}")[:300]


def _filename(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")[:120] + ".pdf"
