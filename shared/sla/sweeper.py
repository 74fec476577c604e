"""The overdue sweeper: flags steps past their due time and closes expired returns.

It reads only through the partial indexes (``ix_cases_open_due``, ``ix_cases_returned_due``),
never scanning every case. Each overdue step gets exactly one ``case.overdue`` event (the
case row's ``overdue_at`` is set in the same transaction), a history entry, and a count; the
event names the supervisor role to escalate to. Returned cases whose applicant deadline
passed are closed as ``expired`` with a clear reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.aio.waiting import sleep_or_stop
from shared.cases.catalog import SopCatalog
from shared.cases.store import CaseStore, row_to_state
from shared.engine.engine import SopEngine
from shared.observability.metrics import CASES_EXPIRED, OPEN_CASES, OVERDUE_OPEN, STEPS_OVERDUE
from shared.registry import Registry

log = logging.getLogger("halo.sweeper")


class OverdueSweeper:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], catalog: SopCatalog,
                 store: CaseStore, engine: SopEngine, registry: Registry,
                 clock: Callable[[], datetime], batch: int = 200) -> None:
        self._sessions = sessions
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
        """Flag one batch of overdue steps and expire one batch of returns."""
        overdue = expired = 0
        async with self._sessions() as session:
            now = self._clock()
            for row in await self._store.due_for_overdue(session, now, self._batch):
                sop = await self._catalog.get(session, row.sop_key, row.sop_version)
                if sop is None or row.step_id is None:
                    continue
                done = self._engine.mark_overdue(sop, row_to_state(row))
                step = sop.step(row.step_id)
                agency = step.agency or sop.agency
                escalate = step.escalate_to or self._registry.supervisor(agency, step.actor)
                entry = replace(done.entries[0], comment=f"eskalasi: {agency}:{escalate}"
                                if escalate else None)
                await self._store.apply(session, sop, replace(done, entries=(entry,)), row=row)
                STEPS_OVERDUE.labels(self.service, sop.key, agency).inc()
                overdue += 1
            for row in await self._store.due_for_expiry(session, now, self._batch):
                sop = await self._catalog.get(session, row.sop_key, row.sop_version)
                if sop is None:
                    continue
                done = self._engine.expire(sop, row_to_state(row))
                await self._store.apply(session, sop, done, row=row)
                CASES_EXPIRED.labels(self.service, sop.key).inc()
                expired += 1
            await session.commit()
        return overdue, expired

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
