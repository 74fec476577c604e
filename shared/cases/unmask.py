"""Revealing a case's personal form values to an officer who works on it.

Officers read cases with the personal fields masked (:func:`shared.cases.pii.masked_view`).
An officer whose ``<agency>:<role>`` holds a step of the case's SOP (an officer or external
step, in the step's agency) may reveal them on purpose, giving a reason. The case must first
be visible to the caller (the read rule, ``CaseDep``: others get 404); then an agency admin,
a platform admin or an officer of the agency whose role holds no step gets 403
``unmask-not-permitted``.

Each reveal writes one ``audit_log`` row ``pii.unmask``: who (``actor_id``), when, which case
(``target``), the names of the personal fields revealed and the reason (runs of nine or more
digits scrubbed, :func:`shared.redact.scrub`); never a value. The per-account limit
(``HALO_UNMASK_RATE``, default 30 per 600 s) counts those rows in the window, so every
replica sees the same count.

Break-glass (:func:`break_glass`, ``POST /cases/{id}/unmask/break-glass``): a platform admin or
the kepala dinas of the SOP's agency, who holds no step, reveals the values in an emergency with
a reason of at least 20 characters; audited as its own action ``pii.break_glass`` (same fields,
same per-account limit). An agency admin (``<agency>:admin``, whose job is accounts) can do
neither: it reads cases masked like every officer.

A department may conceal fields outright for some readers (:meth:`Hooks.on_read
<shared.cases.hooks.Hooks.on_read>`, e.g. the reporter of an anonymous complaint): the case
view shows them as ``[dirahasiakan]`` and, unless the concealment allows it, the reveal
refuses with the same 403; break-glass still opens them, audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.service import CaseService
from shared.db.tables import AuditRow, CaseRow
from shared.engine.access import step_agency
from shared.engine.errors import EngineError
from shared.engine.state import Principal
from shared.redact import scrub
from shared.settings import RateLimit
from shared.sop.model import SopDefinition

UNMASK_ACTION = "pii.unmask"
BREAK_GLASS_ACTION = "pii.break_glass"
BREAK_GLASS_ROLE = "kepala_dinas"
BREAK_GLASS_MIN_REASON = 20


class UnmaskNotPermitted(EngineError):
    """The caller may read the case but holds no step of its SOP."""

    code = "unmask-not-permitted"
    status = 403


class BreakGlassNotPermitted(EngineError):
    """Break-glass is for a platform admin or the kepala dinas of the SOP's agency."""

    code = "break-glass-not-permitted"
    status = 403


class UnmaskLimited(Exception):
    """Too many reveals by one account in the window; ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"unmask limited for {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Revealed:
    case_id: str
    form: dict[str, Any]
    fields: list[str]
    """The personal fields revealed (the audit row names them)."""
    audit_id: int
    at: datetime


def holds_a_step(sop: SopDefinition, who: Principal) -> bool:
    """Whether one of ``who``'s roles is the actor of an officer or external step of ``sop``
    in that step's agency (the officers who work on its cases)."""
    return any(who.has(step_agency(sop, s), s.actor) for s in sop.steps
               if s.kind in ("officer", "external"))


async def _reveal(session: AsyncSession, cases: CaseService, row: CaseRow, sop: SopDefinition,
                  who: Principal, reason: str, limit: RateLimit, action: str) -> Revealed:
    now = cases.clock()
    window = timedelta(seconds=limit.window_s)
    recent = await cases.store.audit_times(session, who.subject, action, now - window)
    if len(recent) >= limit.count:
        frees_at = recent[-limit.count] + window
        raise UnmaskLimited(max(1, math.ceil((frees_at - now).total_seconds())))
    personal = sop.personal_fields()
    form = cases.cipher.open_form(row.form, personal)
    fields = [k for k, v in form.items() if k in personal and v is not None]
    entry = AuditRow(at=now, actor_id=who.subject, action=action,
                     target=f"case/{row.id}", detail={"fields": fields, "reason": scrub(reason)})
    session.add(entry)
    await session.flush()
    assert entry.id is not None
    return Revealed(case_id=row.id, form=form, fields=fields, audit_id=entry.id, at=now)


async def unmask(session: AsyncSession, cases: CaseService, row: CaseRow, who: Principal,
                 reason: str, limit: RateLimit) -> Revealed:
    """The case's form in full for ``who`` (a step holder), audited; see the module."""
    sop = await cases.sop_for(session, row)
    if not holds_a_step(sop, who):
        raise UnmaskNotPermitted(agency=sop.agency)
    hidden = await cases.hooks.concealment(session, sop, row, who)
    if hidden is not None and not hidden.unmask:  # concealed outright: break-glass only
        raise UnmaskNotPermitted(agency=sop.agency)
    return await _reveal(session, cases, row, sop, who, reason, limit, UNMASK_ACTION)


def accounts_only(who: Principal) -> bool:
    """Whether every agency role of ``who`` is ``admin`` (an account administrator, who works
    on no case): such a caller reads cases masked and downloads none of their documents."""
    scoped = [r for r in who.roles if ":" in r]
    admin_only = all(r.split(":", 1)[1] == "admin" for r in scoped)
    return bool(scoped) and admin_only and not who.is_admin


def may_break_glass(sop: SopDefinition, who: Principal) -> bool:
    """A platform admin, or the kepala dinas of the SOP's agency (never an agency admin by
    that role alone: its job is accounts)."""
    return who.is_admin or who.has(sop.agency, BREAK_GLASS_ROLE)


async def break_glass(session: AsyncSession, cases: CaseService, row: CaseRow, who: Principal,
                      reason: str, limit: RateLimit) -> Revealed:
    """The case's form in full for a platform admin or the agency's kepala dinas, who holds no
    step of it, with a reason of at least :data:`BREAK_GLASS_MIN_REASON` characters; audited
    as ``pii.break_glass`` (its own action, so it can be reviewed apart) and limited per
    account like the officers' reveals."""
    sop = await cases.sop_for(session, row)
    if not may_break_glass(sop, who):
        raise BreakGlassNotPermitted(agency=sop.agency)
    return await _reveal(session, cases, row, sop, who, reason, limit, BREAK_GLASS_ACTION)
