"""The sweeper: the transitions the clock makes (see :mod:`shared.engine.timed`).

It reads only through partial indexes (``ix_cases_remind``, ``ix_cases_open_due``,
``ix_cases_escalate_next``, ``ix_cases_auto_complete``, ``ix_cases_returned_due``), never
scanning every case. Each timer fires once: the row's timer column changes in the same
transaction as the history entry and the outbox event. An overdue step gets one
``case.overdue`` event naming the supervisor role (step ``escalate_to`` or the agency's chain
in the registry), whose inbox then shows the case; still late after a further standard time
(``HALO_ESCALATION_SECOND_AFTER``, default 1 hari kerja) it escalates once more to the role
above. Receipt confirmations the applicant leaves unanswered close as completed by
themselves; returned cases whose applicant deadline passed close as ``expired``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.aio.waiting import sleep_or_stop
from shared.cases.catalog import SopCatalog
from shared.cases.store import CaseStore, row_to_state
from shared.db.tables import CaseRow
from shared.engine.engine import SopEngine
from shared.engine.state import Escalation, Transition
from shared.events.outbox_signal import signal_commit
from shared.observability.metrics import (
    CASES_AUTO_COMPLETED,
    CASES_EXPIRED,
    OPEN_CASES,
    OVERDUE_OPEN,
    STEPS_ESCALATED,
    STEPS_OVERDUE,
)
from shared.registry import Registry
from shared.sop.model import SopDefinition

DEFAULT_SECOND_AFTER = "1 hari kerja"
"""How long an overdue step waits in the supervisor's inbox before it escalates again (the
regency's choice: ``HALO_ESCALATION_SECOND_AFTER``)."""

log = logging.getLogger("halo.sweeper")


class OverdueSweeper:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], catalog: SopCatalog,
                 store: CaseStore, engine: SopEngine, registry: Registry,
                 clock: Callable[[], datetime], batch: int = 200,
                 second_after: str | None = DEFAULT_SECOND_AFTER) -> None:
        self._sessions = sessions
        self._second_after = second_after
        self._catalog = catalog
        self._store = store
        self._engine = engine
        self._registry = registry
        self._clock = clock
        self._batch = batch
        self.service = store.service
        self._open_series: set[tuple[str, ...]] = set()
        self._overdue_series: set[tuple[str, ...]] = set()

    async def run_once(self) -> tuple[int, int]:
        """One batch of each timer: reminders, overdue marks, second-level escalations,
        automatic confirmations and expired returns. Returns (overdue, other) counts."""
        overdue = other = 0
        async with self._sessions() as session:
            now = self._clock()
            for row, sop in await self._loaded(session, self._store.due_for_reminder(
                    session, now, self._batch)):
                if row.step_due_at is not None and row.step_due_at <= now:
                    row.remind_at = None  # already late: the overdue mark tells instead
                    continue
                await self._apply(session, sop, row, self._engine.remind(sop, row_to_state(row)))
                other += 1
            for row, sop in await self._loaded(session, self._store.due_for_overdue(
                    session, now, self._batch)):
                assert row.step_id is not None
                step = sop.step(row.step_id)
                agency = step.agency or sop.agency
                done = self._engine.mark_overdue(sop, row_to_state(row),
                                                 self._escalation(agency, step.actor,
                                                                  step.escalate_to))
                entry = done.entries[0]
                target = entry.data.get("escalate_to")
                note = self._escalation_note(target) if target else None
                await self._apply(session, sop, row,
                                  replace(done, entries=(replace(entry, comment=note),)))
                STEPS_OVERDUE.labels(self.service, sop.key, agency).inc()
                overdue += 1
            for row, sop in await self._loaded(session, self._store.due_for_escalation(
                    session, now, self._batch)):
                level1, role = row.escalated_agency, row.escalated_role
                nxt = self._registry.supervisor(level1, role) if level1 and role else None
                if level1 is None or nxt is None or nxt == role:
                    row.escalate_next_at = None  # nobody above: nothing more to wait for
                    continue
                done = self._engine.escalate(sop, row_to_state(row), level1, nxt)
                await self._apply(session, sop, row, done)
                STEPS_ESCALATED.labels(self.service, sop.key, level1).inc()
                other += 1
            for row, sop in await self._loaded(session, self._store.due_for_auto_complete(
                    session, now, self._batch)):
                await self._apply(session, sop, row,
                                  self._engine.auto_complete(sop, row_to_state(row)))
                CASES_AUTO_COMPLETED.labels(self.service, sop.key).inc()
                other += 1
            for row, sop in await self._loaded(session, self._store.due_for_expiry(
                    session, now, self._batch)):
                await self._apply(session, sop, row, self._engine.expire(sop, row_to_state(row)))
                CASES_EXPIRED.labels(self.service, sop.key).inc()
                other += 1
            if overdue or other:  # one wake-up for the whole pass (``apply`` batched)
                await signal_commit(session, self.service)
            await session.commit()
        return overdue, other

    def _escalation_note(self, target: dict[str, str]) -> str:
        """The history's words for where a late step went: the supervisor's role and agency
        as the registry names them ("Diteruskan ke Kepala Bidang, Disdukcapil")."""
        agency, role = target["agency"], target["role"]
        info = self._registry.role_info(agency, role)
        known = self._registry.agencies.get(agency)
        return (f"Diteruskan ke {info.label if info else role}, "
                f"{known.short if known else agency}")

    def _escalation(self, agency: str, actor: str, override: str | None) -> Escalation | None:
        """The supervisor of a late ``actor`` step, and the one above for the second level."""
        role = override or self._registry.supervisor(agency, actor)
        if role is None:
            return None
        nxt = self._registry.supervisor(agency, role)
        return Escalation(agency=agency, role=role, next_role=nxt if nxt != role else None,
                          next_after=self._second_after)

    async def _loaded(self, session: AsyncSession, rows: Awaitable[list[CaseRow]]
                      ) -> list[tuple[CaseRow, SopDefinition]]:
        found = []
        for row in await rows:
            sop = await self._catalog.get(session, row.sop_key, row.sop_version)
            if sop is not None:
                found.append((row, sop))
        return found

    async def _apply(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                     done: Transition) -> None:
        await self._store.apply(session, sop, done, row=row, batched=True)

    async def refresh_gauges(self) -> None:
        async with self._sessions() as session:
            now = self._clock()
            open_now: dict[tuple[str, ...], int] = {}
            for sop_key, step, status, count in await self._store.open_counts(session):
                open_now[(self.service, sop_key, step or "-", status)] = count
            overdue_now: dict[tuple[str, ...], int] = {}
            for agency, count in await self._store.overdue_counts(session, now):
                overdue_now[(self.service, agency)] = count
        # Only this service's series: in all-in-one every service's sweeper shares the registry.
        self._open_series = _publish(OPEN_CASES, open_now, self._open_series)
        self._overdue_series = _publish(OVERDUE_OPEN, overdue_now, self._overdue_series)

    async def run(self, stop: asyncio.Event, interval_s: float) -> None:
        while not stop.is_set():
            try:
                while sum(await self.run_once()) >= self._batch:
                    pass
                await self.refresh_gauges()
            except Exception as exc:
                log.warning("sweep failed", extra={"service": self.service,
                                                   "error": type(exc).__name__})
            await sleep_or_stop(stop, interval_s)


def _publish(gauge: Gauge, values: Mapping[tuple[str, ...], int],
             previous: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Set ``values`` on ``gauge`` and drop the series of ``previous`` that are gone now."""
    for labels, count in values.items():
        gauge.labels(*labels).set(count)
    for labels in previous - values.keys():
        gauge.remove(*labels)
    return set(values)
