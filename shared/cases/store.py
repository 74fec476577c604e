"""All case queries of a service: load, list, and write a transition.

``apply`` writes the new case state, its history entries and one outbox row per entry in the
caller's transaction; it never commits (the request or the worker commits once).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.cases.event_data import event_data
from shared.cases.writes import write_transition
from shared.db.locked_row import NOT_HERE, LockedRow
from shared.db.raw import RowsOfCases
from shared.db.session import is_postgres
from shared.db.tables import AuditRow, CaseRow, DocumentRow, HistoryRow, OutboxRow
from shared.engine.state import CaseState, HistoryEntry, Transition
from shared.events.envelope import RETURNED_ACTIVITY, EventEnvelope, StepRef, case_topic
from shared.events.outbox_signal import signal_commit
from shared.sop.model import SopDefinition

_STATE_FIELDS = [f for f in CaseState.__dataclass_fields__ if f != "id"]


_TUPLE_FIELDS = ("requested_documents", "requested_fields")

TOTAL_CAP = 1000
"""A list's ``total`` counts at most this many cases: ``TOTAL_CAP`` means "that many or more"
(counting every one of 100,000 open cases for each inbox page would cost more than the page)."""


async def capped_count(session: AsyncSession, *ids: Select[Any]) -> int:
    """How many distinct rows the ``ids`` selects find together, counting no further than
    :data:`TOTAL_CAP` (each one cut at the cap, so each reads at most that many index
    entries)."""
    cut = [i.limit(TOTAL_CAP) for i in ids]
    together = cut[0] if len(cut) == 1 else union(*(c.subquery().select() for c in cut))
    found = await session.scalar(select(func.count()).select_from(
        together.limit(TOTAL_CAP).subquery()))
    return int(found or 0)


def row_to_state(row: CaseRow) -> CaseState:
    # A loaded row keeps its column values in its ``__dict__`` (the ORM's own store): read
    # there, not through 30 instrumented attributes (2 % of an act, issue 12); an attribute
    # not loaded goes through the attribute as before.
    loaded = row.__dict__
    values = {f: loaded[f] if f in loaded else getattr(row, f) for f in _STATE_FIELDS}
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values[name] or ())
    return CaseState(id=row.id, **values)


def _current_ref(sop: SopDefinition, case: CaseState) -> StepRef | None:
    if not case.is_open or case.step_id is None:
        return None
    step = sop.step(case.step_id)
    if case.status == "returned":
        return StepRef(id=step.id, role="pemohon", agency=None, kind="applicant",
                       due_at=case.applicant_due_at, nomor=step.nomor,
                       activity=RETURNED_ACTIVITY)
    return StepRef(id=step.id, role=step.actor, agency=step.agency or sop.agency,
                   kind=step.kind, due_at=case.step_due_at, nomor=step.nomor,
                   activity=step.activity)


# Built once: a statement object keeps its compiled form's cache key (issue 12: building and
# keying the expression on every request was a visible share of an act's CPU).
_LOCKED_CASE = select(CaseRow).where(col(CaseRow.id) == bindparam("case_id")).with_for_update()
_LOCKED = LockedRow(CaseRow)
_DOCUMENTS_OF = RowsOfCases(DocumentRow.__table__,  # type: ignore[attr-defined]
                            ("id", "case_id", "key", "filename", "size", "sha256",
                             "content_type", "uploaded_at"), ("uploaded_at", "id"))


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A case's document as its answer lists it."""

    id: str
    case_id: str
    key: str
    filename: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: datetime
    """The list's order (with the id), not shown."""


class CaseStore:
    def __init__(self, service: str) -> None:
        self.service = service
        self.topic = case_topic(service)

    async def get(self, session: AsyncSession, case_id: str, *, lock: bool = False
                  ) -> CaseRow | None:
        if lock and is_postgres(session):
            row = await _LOCKED.get(session, case_id)  # on the driver (shared/db/locked_row.py)
            if row is not NOT_HERE:
                return row
            return await session.scalar(_LOCKED_CASE, {"case_id": case_id})
        return await session.get(CaseRow, case_id)

    async def apply(self, session: AsyncSession, sop: SopDefinition, done: Transition,
                    *, row: CaseRow | None = None, form: dict[str, Any] | None = None,
                    officer: tuple[str, dict[str, Any]] | None = None,
                    batched: bool = False) -> CaseRow:
        """Persist ``done``: the case row, history rows and outbox rows, unflushed-commit.
        ``officer`` (step id, record) is what an officer recorded leaving that step.
        ``batched``: the caller writes many cases in the transaction and flushes and calls
        :func:`signal_commit` once for all of them (the sweeper)."""
        case = done.case
        current = _current_ref(sop, case)
        values = {f: getattr(case, f) for f in _STATE_FIELDS}
        for name in _TUPLE_FIELDS:
            values[name] = list(values[name])
        values.update(agency=sop.agency, step_role=current.role if current else None,
                      step_agency=current.agency if current else None)
        if form and row is not None:
            values["form"] = {**row.form, **form}
        if officer is not None and row is not None:
            values["officer_data"] = {**(row.officer_data or {}), officer[0]: officer[1]}
        # The entry's fields as they are (``asdict`` deep-copies each value: 3 % of an act);
        # its data is written as JSON and an entry is never changed once made.
        history = [{"case_id": case.id, **vars(entry), "documents": list(entry.documents),
                    "data": dict(entry.data)} for entry in done.entries]
        outbox = [self._outbox_row(sop, case, entry, current) for entry in done.entries]
        if row is None or batched:
            row = self._orm_writes(session, row, case.id, form, values, history, outbox)
            if batched:
                return row
        else:  # the act: statements of their own, no unit-of-work flush (issue 12)
            await write_transition(session, row, values, history, outbox,
                                   self.service if done.entries else None)
            await session.flush()  # whatever else the transaction added (audit rows, hooks)
            return row
        if done.entries:
            await signal_commit(session, self.service)
        await session.flush()  # whatever else the transaction added (audit rows, hooks)
        return row

    def _outbox_row(self, sop: SopDefinition, case: CaseState, entry: HistoryEntry,
                    current: StepRef | None) -> dict[str, Any]:
        envelope = self.envelope(sop, case, entry, current)
        return {"event_id": envelope.event_id, "topic": self.topic, "key": case.id,
                "payload": envelope.model_dump_json(), "created_at": entry.at, "attempts": 0}

    @staticmethod
    def _orm_writes(session: AsyncSession, row: CaseRow | None, case_id: str,
                    form: dict[str, Any] | None, values: dict[str, Any],
                    history: list[dict[str, Any]], outbox: list[dict[str, Any]]) -> CaseRow:
        """Through the unit of work: a new case, or the sweeper's batch (flushed once)."""
        if row is None:
            row = CaseRow(id=case_id, form=form or {}, **values)
            session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        session.add_all([HistoryRow(**h) for h in history] + [OutboxRow(**o) for o in outbox])
        return row

    def envelope(self, sop: SopDefinition, case: CaseState, entry: HistoryEntry,
                 current: StepRef | None) -> EventEnvelope:
        return EventEnvelope(
            event_id=str(uuid.uuid4()), type=entry.event, source=self.service,
            case_id=case.id, tracking_no=case.tracking_no, sop_key=case.sop_key,
            sop_version=case.sop_version, seq=entry.seq, step=entry.step_id,
            action=entry.action, actor_role=entry.actor_role, actor_agency=entry.actor_agency,
            time=entry.at, status=entry.status,
            current=current if entry.seq == case.seq else None,
            applicant=case.applicant_id,
            data=event_data(sop, case, entry),
        )

    async def history(self, session: AsyncSession, case_id: str) -> list[HistoryRow]:
        rows = await session.scalars(select(HistoryRow).where(col(HistoryRow.case_id) == case_id)
                                     .order_by(col(HistoryRow.seq)))
        return list(rows)

    async def actor_agencies(self, session: AsyncSession, case_id: str) -> set[str]:
        """The agencies whose officers have acted on the case."""
        rows = await session.scalars(select(col(HistoryRow.actor_agency)).distinct().where(
            col(HistoryRow.case_id) == case_id, col(HistoryRow.actor_agency).is_not(None)))
        return {a for a in rows if a}

    async def audit_times(self, session: AsyncSession, actor_id: str, action: str,
                          since: datetime) -> list[datetime]:
        """When ``actor_id`` did ``action`` since ``since``, oldest first (through the index
        on ``audit_log.at``: only the rows of that window are read)."""
        rows = await session.scalars(select(col(AuditRow.at)).where(
            col(AuditRow.at) >= since, col(AuditRow.actor_id) == actor_id,
            col(AuditRow.action) == action).order_by(col(AuditRow.at)))
        return list(rows)

    async def list_cases(self, session: AsyncSession, *, applicant: str | None = None,
                         scopes: list[tuple[str, str]] | None = None,
                         status: str | None = None, sop_key: str | None = None,
                         limit: int = 50, offset: int = 0) -> tuple[list[CaseRow], int]:
        """Cases of an applicant, or open cases whose current step one of ``scopes`` holds,
        earliest due first (no due last), then oldest first. The total is capped at
        :data:`TOTAL_CAP` (see :func:`capped_count`).

        The inbox is one index range per held scope (``ix_cases_open_holder``: step holder,
        and the escalation indexes), each cut at ``offset + limit`` rows in index order, and
        merged: with 100,000 open cases a page reads a few dozen index entries, not every
        open case of the agency."""
        extra = []
        if status is not None:
            extra.append(col(CaseRow.status) == status)
        if sop_key is not None:
            extra.append(col(CaseRow.sop_key) == sop_key)
        due = col(CaseRow.step_due_at)
        order = [due.asc().nulls_last(), col(CaseRow.created_at), col(CaseRow.id)]
        if scopes is None:
            conds = [*extra]
            if applicant is not None:
                conds.append(col(CaseRow.applicant_id) == applicant)
            where = and_(true(), *conds)
            total = await capped_count(session, select(col(CaseRow.id)).where(where))
            rows = await session.scalars(select(CaseRow).where(where).order_by(*order)
                                         .limit(limit).offset(offset))
            return list(rows), total
        if not scopes:
            return [], 0
        pairs = [(col(CaseRow.step_agency), col(CaseRow.step_role)),
                 (col(CaseRow.escalated_agency), col(CaseRow.escalated_role)),
                 (col(CaseRow.escalated2_agency), col(CaseRow.escalated2_role))]
        mine = [col(CaseRow.applicant_id) == applicant] if applicant is not None else []
        held = [and_(col(CaseRow.status) == "open", a == agency, r == role, *mine, *extra)
                for agency, role in dict.fromkeys(scopes) for a, r in pairs]
        # In index order, each count reads at most TOTAL_CAP entries of its index range.
        total = await capped_count(session, *(select(col(CaseRow.id)).where(c).order_by(*order)
                                              for c in held))
        branches = [select(col(CaseRow.id)).where(cond).order_by(*order)
                    .limit(offset + limit).subquery().select() for cond in held]
        ids = union(*branches) if len(branches) > 1 else branches[0]
        rows = await session.scalars(select(CaseRow).where(col(CaseRow.id).in_(ids))
                                     .order_by(*order).limit(limit).offset(offset))
        return list(rows), total

    async def due_for_overdue(self, session: AsyncSession, now: datetime, limit: int
                              ) -> list[CaseRow]:
        """Open steps past due and not yet flagged (served by ``ix_cases_open_due``)."""
        query = (select(CaseRow).where(col(CaseRow.status) == "open",
                                       col(CaseRow.overdue_at).is_(None),
                                       col(CaseRow.step_due_at) < now)
                 .order_by(col(CaseRow.step_due_at)).limit(limit))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        return list(await session.scalars(query))

    async def _due(self, session: AsyncSession, column: Any, now: datetime, limit: int,
                   *extra: Any) -> list[CaseRow]:
        """Open cases whose ``column`` time has come (each served by its partial index)."""
        query = (select(CaseRow).where(col(CaseRow.status) == "open", column.is_not(None),
                                       column <= now, *extra)
                 .order_by(column).limit(limit))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        return list(await session.scalars(query))

    async def due_for_reminder(self, session: AsyncSession, now: datetime, limit: int
                               ) -> list[CaseRow]:
        return await self._due(session, col(CaseRow.remind_at), now, limit)

    async def due_for_escalation(self, session: AsyncSession, now: datetime, limit: int
                                 ) -> list[CaseRow]:
        return await self._due(session, col(CaseRow.escalate_next_at), now, limit)

    async def due_for_auto_complete(self, session: AsyncSession, now: datetime, limit: int
                                    ) -> list[CaseRow]:
        return await self._due(session, col(CaseRow.auto_complete_at), now, limit)

    async def due_for_expiry(self, session: AsyncSession, now: datetime, limit: int
                             ) -> list[CaseRow]:
        query = (select(CaseRow).where(col(CaseRow.status) == "returned",
                                       col(CaseRow.applicant_due_at) < now)
                 .order_by(col(CaseRow.applicant_due_at)).limit(limit))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        return list(await session.scalars(query))

    async def open_counts(self, session: AsyncSession) -> list[tuple[str, str | None, str, int]]:
        rows = await session.execute(
            select(col(CaseRow.sop_key), col(CaseRow.step_id), col(CaseRow.status), func.count())
            .where(col(CaseRow.status).in_(["open", "returned"]))
            .group_by(col(CaseRow.sop_key), col(CaseRow.step_id), col(CaseRow.status)))
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    async def overdue_counts(self, session: AsyncSession, now: datetime) -> list[tuple[str, int]]:
        rows = await session.execute(
            select(col(CaseRow.step_agency), func.count())
            .where(col(CaseRow.status) == "open", col(CaseRow.step_due_at) < now)
            .group_by(col(CaseRow.step_agency)))
        return [(r[0] or "", int(r[1])) for r in rows]

    async def documents(self, session: AsyncSession, case_id: str) -> list[DocumentRow]:
        return list(await session.scalars(select(DocumentRow).where(
            col(DocumentRow.case_id) == case_id).order_by(col(DocumentRow.uploaded_at))))

    async def documents_of(self, session: AsyncSession, case_ids: list[str]
                           ) -> dict[str, list[DocumentView]]:
        """The documents of several cases in one query, per case id, oldest first: what a
        case's answer lists of each (not the ORM rows: nothing to load or track)."""
        found: dict[str, list[DocumentView]] = {i: [] for i in case_ids}
        for values in await _DOCUMENTS_OF.rows(session, case_ids):
            view = DocumentView(*values)
            found[view.case_id].append(view)
        return found
