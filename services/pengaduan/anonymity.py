"""Anonymous and secret complaints (every complaint SOP of the service, one rule).

Three levels, as SP4N-LAPOR! names them, kept per case in ``pengaduan_kerahasiaan``:

* ``biasa``: as every case: officers read the reporter's personal fields masked, and an
  officer holding a step reveals them with a reason (audited).
* ``rahasia`` (secret): the report's content stays off every public view (the Open311
  facade's public listing asks :func:`is_public`) and the reporter's identity is concealed
  outright (``[dirahasiakan]``, not even masked) from every officer except the role of the
  SOP's first officer step, the complaint desk that registers and verifies the report
  (it reads masked and may reveal, as for ``biasa``).
* ``anonim``: the reporter is known to the platform (their account owns the case and follows
  it) but their identity is concealed from everyone at the agency: every officer, the
  complaint desk included, reads ``[dirahasiakan]``; the officers' reveal refuses (403);
  only break-glass (platform admin or the agency's kepala dinas, reason of 20+ characters,
  audited as ``pii.break_glass``) opens it.

The level comes from the form when the case opens: a choice field ``kerahasiaan``
(``biasa``/``rahasia``/``anonim``) where an SOP has one, else a yes/no field
(:data:`FLAG_FIELDS`: ``anonim``, ``rahasiakan_identitas``) meaning ``anonim``; a report
pulled from LAPOR! takes LAPOR!'s own level (:func:`set_level`). The identity is the SOP's
personal fields (name, NIK, phone, address) and identity documents
(:data:`IDENTITY_DOCUMENTS`, left out of the document list and refused at download as if
absent). The hiding is the platform's generic read hook
(:meth:`shared.cases.hooks.Hooks.on_read`), read by the case view, the inbox (the same
view), the document routes and the unmask route; the gateway's tracking views never carry
form values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.pengaduan.lapor_tables import ConfidentialityRow
from shared.cases.hooks import Concealment, Hooks
from shared.db.tables import CaseRow
from shared.engine.access import step_agency
from shared.engine.state import Principal, Transition
from shared.sop.model import SopDefinition

LEVELS = ("biasa", "rahasia", "anonim")
LEVEL_FIELD = "kerahasiaan"
FLAG_FIELDS = ("anonim", "rahasiakan_identitas")
"""Yes/no form fields that ask for the reporter's identity to be hidden: level ``anonim``."""
IDENTITY_DOCUMENTS = frozenset({"identitas_diri"})
"""The reporter's documents that identify them (the KTP scan Dinkes, DLH and Satpol PP ask
for): left out of the case's documents for whoever the identity is concealed from."""


def level_from_form(form: dict[str, Any]) -> str:
    chosen = form.get(LEVEL_FIELD)
    if isinstance(chosen, str) and chosen in LEVELS:
        return chosen
    return "anonim" if any(form.get(f) is True for f in FLAG_FIELDS) else "biasa"


async def level_of(session: AsyncSession, case_id: str) -> str:
    row = await session.get(ConfidentialityRow, case_id)
    return row.level if row is not None else "biasa"


async def is_public(session: AsyncSession, case_id: str) -> bool:
    """Whether the case's content may appear on a public view (not ``rahasia``/``anonim``)."""
    return await level_of(session, case_id) == "biasa"


async def set_level(session: AsyncSession, case_id: str, level: str, source: str,
                    at: datetime) -> None:
    found = await session.get(ConfidentialityRow, case_id)
    if found is None:
        session.add(ConfidentialityRow(case_id=case_id, level=level, source=source, set_at=at))
    else:
        found.level, found.source, found.set_at = level, source, at
    await session.flush()


async def levels_of(session: AsyncSession, case_ids: list[str]) -> dict[str, str]:
    rows = await session.scalars(select(ConfidentialityRow).where(
        ConfidentialityRow.case_id.in_(case_ids)))
    return {r.case_id: r.level for r in rows}


def desk_of(sop: SopDefinition) -> tuple[str, str] | None:
    """``(agency, role)`` of the SOP's first officer step: the complaint desk."""
    step = next((s for s in sop.steps if s.kind == "officer"), None)
    return (step_agency(sop, step), step.actor) if step is not None else None


def concealment_for(level: str, sop: SopDefinition, who: Principal) -> Concealment | None:
    """What ``who`` (not the applicant) must not see of a case at ``level``."""
    if level == "biasa":
        return None
    desk = desk_of(sop)
    if level == "rahasia" and desk is not None and who.has(*desk):
        return None
    documents = frozenset(d.key for d in sop.documents) & IDENTITY_DOCUMENTS
    return Concealment(fields=sop.personal_fields(), unmask=False, documents=documents)


def install(hooks: Hooks, sop_keys: list[str]) -> None:
    """Register the confidentiality hooks on every SOP of ``sop_keys``."""

    async def record(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                     done: Transition) -> None:
        if not any(e.event == "case.submitted" for e in done.entries):
            return
        level = level_from_form(row.form or {})
        if level != "biasa":
            await set_level(session, row.id, level, "formulir", done.entries[0].at)

    async def conceal(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                      who: Principal) -> Concealment | None:
        return concealment_for(await level_of(session, row.id), sop, who)

    for key in sop_keys:
        hooks.after_leaving(key)(record)
        hooks.on_read(key)(conceal)
