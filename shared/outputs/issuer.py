"""Issuing outputs in the transaction that records the step (ARCHITECTURE.md §8).

:meth:`OutputIssuer.issue` runs right after the case store applied a transition: for every
output of the SOP whose step the case just left by a forward action (the output's
``action``, or any forward action not leading to ``@rejected``), it inserts a *pending*
``case_outputs`` row with its number and verification code. Rendering and signing come
later, in :mod:`shared.outputs.worker`. The signer is the officer who performed that step.
The holder's name is stored masked; NIK and KK numbers are never stored here. The rows a
department provides for the SOP and kind (:mod:`shared.outputs.rows`) are collected here, in
the case transaction, and stored with the row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.hooks import CONCEALED
from shared.cases.pii import PiiCipher
from shared.db import written
from shared.db.tables import CaseRow
from shared.engine.state import HistoryEntry, Principal, Transition
from shared.outputs.codes import mask_name, new_verify_code
from shared.outputs.numbered_insert import COLUMNS, insert_numbered
from shared.outputs.numbering import take_number
from shared.outputs.rows import OutputRows
from shared.outputs.tables import CaseOutputRow
from shared.outputs.validity import valid_until
from shared.registry import Registry
from shared.sop.model import OutputSpec, SopDefinition

if TYPE_CHECKING:
    from shared.web.runtime import ServiceRuntime

SYSTEM_SIGNER = "system"
EMPTY: dict[str, Any] = dict.fromkeys(COLUMNS)
"""Every column of a new output but its number, none set yet (the issuer sets the most)."""


def holder_name(sop: SopDefinition, form: dict[str, Any]) -> str | None:
    """The first personal text field whose name starts with ``nama`` (clear form)."""
    for spec in sop.form:
        if spec.personal and spec.type == "string" and spec.name.startswith("nama"):
            value = form.get(spec.name)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def holder_nik(sop: SopDefinition, form: dict[str, Any]) -> str | None:
    """The first NIK field's value (clear form), for the PDF only, masked there."""
    for spec in sop.form:
        if spec.type == "nik" and spec.name.startswith("nik"):
            value = form.get(spec.name)
            if isinstance(value, str) and value:
                return value
    return None


def matches(sop: SopDefinition, spec: OutputSpec, entry: HistoryEntry) -> bool:
    """Whether ``entry`` is the case leaving ``spec.step`` by an action that issues it."""
    if entry.step_id != spec.step or entry.action is None or not sop.has_step(spec.step):
        return False
    action = sop.step(spec.step).action(entry.action)
    if action is None or action.kind != "forward" or action.to == "@rejected":
        return False
    return spec.action is None or spec.action == entry.action


class OutputIssuer:
    def __init__(self, service: str, registry: Registry, cipher: PiiCipher,
                 clock: Callable[[], datetime]) -> None:
        self.service = service
        self.registry = registry
        self.cipher = cipher
        self.clock = clock
        self.rows = OutputRows()
        self.runtime: ServiceRuntime | None = None

    def bind(self, rows: OutputRows, runtime: ServiceRuntime) -> None:
        """The department's row providers and the runtime they are called with."""
        self.rows, self.runtime = rows, runtime

    async def issue(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                    done: Transition, who: Principal) -> list[CaseOutputRow]:
        """Insert the pending outputs ``done`` produces (none for most transitions)."""
        issued: list[CaseOutputRow] = []
        for entry in done.entries:
            for spec in sop.outputs:
                if matches(sop, spec, entry):
                    issued.append(await self._pending(session, sop, row, spec, entry, who))
        if any(output in session.new for output in issued):  # added through the ORM
            await session.flush()
        return issued

    async def _pending(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                       spec: OutputSpec, entry: HistoryEntry, who: Principal) -> CaseOutputRow:
        step = sop.step(spec.step)
        agency = step.agency or sop.agency
        role = spec.signer or step.actor
        officer = entry.actor_id == who.subject and bool(who.agencies())
        signer_id = who.subject if officer else SYSTEM_SIGNER
        info = self.registry.agencies.get(agency)
        clear = self.cipher.open_form(row.form, sop.personal_fields())
        name = holder_name(sop, clear)
        if name and await self._conceals_holder(session, sop, row):
            name = CONCEALED  # an anonymous report: the document names nobody
        detail = await self.rows.collect(session, self.runtime, sop.key, spec.kind, row)
        now = self.clock()
        values = dict(
            EMPTY, id=str(uuid.uuid4()), case_id=row.id, seq=entry.seq, step_id=spec.step,
            sop_key=sop.key, sop_version=sop.version, kind=spec.kind, title=spec.title,
            verify_code=new_verify_code(self.service), status="pending",
            agency=agency, signer_role=role, signer_id=signer_id,
            signer_name=self.signer_label(agency, role),
            holder_masked=(name if name == CONCEALED else mask_name(name)) if name else None,
            created_at=now,
            valid_until=valid_until(now, spec.validity), attempts=0, next_attempt_at=now,
            detail_rows=detail)
        # The number last: taking it locks the agency's counter row until the commit, so the
        # department's queries above do not hold up the agency's other documents. On
        # PostgreSQL the take and the insert are one statement (shared/outputs/numbered_insert.py).
        short = info.short if info else agency
        output = await insert_numbered(session, values, spec.code, agency, short, now)
        if output is None:
            number = await take_number(session, spec.code, agency, short, now)
            output = CaseOutputRow(**values, number=number)
            session.add(output)
        written.note(session, output)
        return output

    async def _conceals_holder(self, session: AsyncSession, sop: SopDefinition,
                               row: CaseRow) -> bool:
        """Whether the department conceals the applicant's personal fields from a reader with
        no role (:meth:`shared.cases.hooks.Hooks.on_read`): the output then shows
        :data:`CONCEALED` for the holder, in the PDF and on the verification page."""
        if self.runtime is None:
            return False
        found = await self.runtime.cases.hooks.concealment(
            session, sop, row, Principal(subject=""))
        return found is not None and bool(found.fields & sop.personal_fields())

    def signer_label(self, agency: str, role: str) -> str:
        """The signer as the document names them: the office (jabatan) and the agency.

        Access tokens carry no display name, so the office stands for the person; the
        certificate of the signing service names the person."""
        agency_info = self.registry.agencies.get(agency)
        label = jabatan(self.registry, agency, role)
        return office_of(label, agency_info.name)[:200] if agency_info else label


def office_of(label: str, agency_name: str) -> str:
    """"Kepala Dinas" of "Dinas Kependudukan ..." is "Kepala Dinas Kependudukan ...", as an
    office is written: the word the two share is said once."""
    words, name = label.split(), agency_name.split()
    if words and name and words[-1].lower() == name[0].lower():
        return " ".join([*words, *name[1:]])
    return f"{label} {agency_name}"


def jabatan(registry: Registry, agency: str, role: str) -> str:
    """The office of ``role`` as printed (the first of a label's alternatives)."""
    info = registry.role_info(agency, role)
    return info.label.split(" / ")[0].strip() if info else role
