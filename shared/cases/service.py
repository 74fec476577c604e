"""The case service: what the HTTP routes and the workers of a department service call.

It loads the SOP version a case runs on, asks the engine, and hands the transition to the
store. It never commits: the request's session dependency commits once, or a worker does.
Department behaviour plugs in through :class:`shared.cases.hooks.Hooks`, keyed by SOP and
step, never through ``if`` ladders here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.catalog import SopCatalog, foreign_agencies
from shared.cases.documents import DocumentStorage, Upload
from shared.cases.hooks import Hooks
from shared.cases.officer_inputs import officer_record
from shared.cases.pii import PiiCipher
from shared.cases.store import CaseStore, row_to_state
from shared.cases.tracking import new_tracking_no
from shared.db import written
from shared.db.tables import AuditRow, CaseRow, DocumentRow
from shared.documents.intake import accept as accept_uploads
from shared.documents.intake import store_all
from shared.engine.access import authorise_assist
from shared.engine.engine import SopEngine
from shared.engine.errors import EngineError, InvalidSubmission
from shared.engine.resubmission import Requested
from shared.engine.state import ActionOption, Principal, Transition
from shared.observability.metrics import (
    CASES_SUBMITTED,
    STEP_DURATION_RATIO,
    STEPS_COMPLETED,
)
from shared.sop.model import SopDefinition


class UnknownSop(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class OutputIssuing(Protocol):
    """Issues the SOP's outputs a transition produces, in its transaction
    (:class:`shared.outputs.issuer.OutputIssuer`)."""

    async def issue(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                    done: Transition, who: Principal) -> Any: ...


class CaseService:
    outputs: OutputIssuing | None = None
    """Set by the runtime; ``None``: no outputs are issued."""

    def __init__(self, service: str, catalog: SopCatalog, store: CaseStore, engine: SopEngine,
                 storage: DocumentStorage, cipher: PiiCipher, hooks: Hooks,
                 clock: Callable[[], datetime]) -> None:
        self.service = service
        self.catalog = catalog
        self.store = store
        self.engine = engine
        self.storage = storage
        self.cipher = cipher
        self.hooks = hooks
        self.clock = clock

    async def sop_for(self, session: AsyncSession, row: CaseRow) -> SopDefinition:
        sop = await self.catalog.get(session, row.sop_key, row.sop_version)
        if sop is None:
            raise UnknownSop(row.sop_key)
        return sop

    async def open_case(self, session: AsyncSession, who: Principal, sop_key: str,
                        form: dict[str, Any], uploads: list[Upload], *,
                        on_behalf_of: str | None = None) -> CaseRow:
        """Open a case for ``who``, or, assisted (``on_behalf_of``), for that citizen
        account: then ``who`` must be an officer of the SOP's agency in an assisting role;
        the citizen owns the case and the submission records who assisted (audited)."""
        sop = await self.catalog.get(session, sop_key)
        if sop is None:
            raise UnknownSop(sop_key)
        applicant, assisted = who, None
        if on_behalf_of is not None:
            agency, role = authorise_assist(sop, who)
            applicant = Principal(subject=on_behalf_of, roles=frozenset({"citizen"}))
            assisted = {"agency": agency, "role": role, "actor_id": who.subject}
        case_id = str(uuid.uuid4())
        doc_keys = [u.key for u in uploads]
        await self.hooks.before_open(sop, form)
        for attempt in range(5):
            tracking_no = new_tracking_no(self.service)
            try:
                async with session.begin_nested():
                    done = self.engine.start(sop, case_id=case_id, tracking_no=tracking_no,
                                             applicant=applicant, form=form,
                                             documents=doc_keys, assisted_by=assisted)
                    sealed = self.cipher.seal_form(form, sop.personal_fields())
                    row = await self.store.apply(session, sop, done, form=sealed)
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        await self._save_documents(session, case_id, who, uploads)
        if assisted is not None:
            await self.audit(session, who, "case.assisted_submission", f"case/{case_id}",
                             {"sop": sop.ref, "applicant": applicant.subject,
                              "agency": assisted["agency"], "role": assisted["role"]})
        if self.outputs is not None:
            await self.outputs.issue(session, sop, row, done, who)
        await self.hooks.after_transition(session, sop, row, done)
        CASES_SUBMITTED.labels(self.service, sop.key).inc()
        self._count(sop, done)
        return row

    async def act(self, session: AsyncSession, row: CaseRow, who: Principal, action: str, *,
                  step: str | None, comment: str | None, form: dict[str, Any] | None,
                  uploads: list[Upload], requested: Requested | None = None) -> CaseRow:
        sop = await self.sop_for(session, row)
        state = row_to_state(row)
        entered, standard_due = state.step_entered_at, state.step_due_at
        done = self.engine.act(sop, state, who, action, expected_step=step, comment=comment,
                               documents=[u.key for u in uploads], form=form,
                               requested=requested)
        if any(e.event == "case.resubmitted" for e in done.entries):
            form = await self._resubmission(session, sop, row, done, form or {})
        await self.hooks.before_commit(session, sop, row, done)
        officer = None
        if state.status == "returned":  # lengkapi: the applicant corrects their own form
            sealed = self.cipher.seal_form(form, sop.personal_fields()) if form else None
        else:  # an officer action's declared fields, kept apart from the applicant's form
            sealed = None
            record = officer_record(sop, state.step_id or "", action, form or {}, done,
                                    self.cipher)
            officer = (state.step_id or "", record) if record is not None else None
        row = await self.store.apply(session, sop, done, row=row, form=sealed, officer=officer)
        if self.outputs is not None:
            await self.outputs.issue(session, sop, row, done, who)
        await self._save_documents(session, row.id, who, uploads)
        await self.hooks.after_transition(session, sop, row, done)
        self._count(sop, done)
        if entered and standard_due and standard_due > entered:
            took = (done.entries[0].at - entered).total_seconds()
            STEP_DURATION_RATIO.labels(self.service, sop.key).observe(
                took / (standard_due - entered).total_seconds())
        return row

    async def _resubmission(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                            done: Transition, corrections: dict[str, Any]) -> dict[str, Any]:
        """The department's ``on_resubmit`` hooks over the merged form (they may refuse);
        the corrections to store: those sent, and any value a hook normalised."""
        if not self.hooks.checks_resubmission(sop.key):
            return corrections
        stored = self.cipher.open_form(row.form, sop.personal_fields())
        merged = {**stored, **corrections}
        await self.hooks.before_resubmit(session, sop, row, done, merged)
        return {k: v for k, v in merged.items() if k in corrections or v != stored.get(k)}

    async def options(self, session: AsyncSession, row: CaseRow, who: Principal
                      ) -> list[ActionOption]:
        sop = await self.sop_for(session, row)
        return self.engine.options(sop, row_to_state(row), who)

    async def publish_sop(self, session: AsyncSession, who: Principal, data: dict[str, Any]
                          ) -> SopDefinition:
        now = self.clock()
        sop = await self.catalog.publish(session, data, who.subject, now)
        session.add(AuditRow(at=now, actor_id=who.subject, action="sop.published",
                             target=f"{self.service}/{sop.key}@v{sop.version}",
                             detail={"agency": sop.agency, "steps": len(sop.steps),
                                     "awaiting": foreign_agencies(sop)}))
        return sop

    async def audit(self, session: AsyncSession, who: Principal, action: str, target: str,
                    detail: dict[str, Any] | None = None) -> None:
        session.add(AuditRow(at=self.clock(), actor_id=who.subject, action=action,
                             target=target, detail=detail or {}))

    async def _save_documents(self, session: AsyncSession, case_id: str, who: Principal,
                              uploads: list[Upload]) -> None:
        """Judge every upload by its content (DocumentRefused before anything is stored),
        then store them encrypted; the row keeps the sniffed type and the normalised name."""
        if uploads:
            case = await session.get(CaseRow, case_id)
            sop = await self.sop_for(session, case) if case is not None else None
            accepted = await accept_uploads(uploads, sop)
            for item, stored in await store_all(self.storage, accepted, session):
                upload = item.upload
                document = DocumentRow(id=str(uuid.uuid4()), case_id=case_id, key=upload.key,
                                       filename=upload.filename, content_type=item.content_type,
                                       size=stored.size, sha256=stored.sha256,
                                       storage_path=stored.path, uploaded_by=who.subject,
                                       uploaded_at=self.clock())
                session.add(document)
                written.note(session, document)
        await session.flush()

    def _count(self, sop: SopDefinition, done: Transition) -> None:
        for entry in done.entries:
            STEPS_COMPLETED.labels(self.service, sop.key, entry.event).inc()


__all__ = ["CaseService", "EngineError", "InvalidSubmission", "UnknownSop"]
