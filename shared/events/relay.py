"""The outbox relay: publishes committed outbox rows to the bus, in order, and marks them sent.

Rows are read in id order (a case's events were written in order, in one transaction each),
published as one batch and marked sent only after the broker acknowledged them. On
PostgreSQL an advisory lock lets only one relay of a service publish at a time (replicas
would otherwise interleave batches and could reorder one case's events). When the
broker is down the rows stay unsent and the relay retries with backoff: an outage delays
events, it never loses them. A crash between publish and mark re-publishes the batch; the
event id lets consumers drop the duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from shared.aio.waiting import first_of, sleep_or_stop
from shared.db.session import try_lock
from shared.db.tables import OutboxRow
from shared.events.bus import EventBus
from shared.observability.metrics import OUTBOX_BACKLOG, OUTBOX_FAILURES, OUTBOX_PUBLISHED

log = logging.getLogger("halo.relay")


class OutboxRelay:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], bus: EventBus, service: str,
                 *, batch: int = 500, idle_seconds: float = 0.5, max_backoff: float = 5.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = sessions
        self._bus = bus
        self._service = service
        self._batch = batch
        self._idle = idle_seconds
        self._max_backoff = max_backoff
        self._clock = clock
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """Tell the relay that new rows were committed (cuts latency; polling still runs)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Publish one batch of unsent rows; return how many were published."""
        async with self._sessions() as session:
            if not await try_lock(session, f"halo-relay-{self._service}"):
                await session.rollback()
                return 0  # another relay of this service is publishing: one at a time keeps order
            query = select(OutboxRow).where(col(OutboxRow.sent_at).is_(None)).order_by(
                col(OutboxRow.id)).limit(self._batch)
            rows = list((await session.scalars(query)).all())
            if not rows:
                await session.rollback()
                return 0
            try:
                await self._bus.publish_batch([(r.topic, r.key, r.payload.encode()) for r in rows])
            except Exception:
                await session.execute(update(OutboxRow).where(col(OutboxRow.id) == rows[0].id)
                                      .values(attempts=col(OutboxRow.attempts) + 1))
                await session.commit()
                raise
            sent = [r.id for r in rows]
            await session.execute(update(OutboxRow).where(col(OutboxRow.id).in_(sent))
                                  .values(sent_at=self._clock()))
            await session.commit()
        OUTBOX_PUBLISHED.labels(self._service).inc(len(rows))
        return len(rows)

    async def backlog(self) -> int:
        async with self._sessions() as session:
            count = await session.scalar(select(func.count()).select_from(OutboxRow)
                                         .where(col(OutboxRow.sent_at).is_(None)))
        OUTBOX_BACKLOG.labels(self._service).set(count or 0)
        return int(count or 0)

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set."""
        backoff = 0.1
        while not stop.is_set():
            self._wake.clear()  # before reading: a notify() during the pass is not lost
            try:
                published = await self.run_once()
                if published == 0:
                    await self.backlog()  # the database may go away between the two
                backoff = 0.1
            except Exception as exc:  # the broker or the DB is down or busy: retry later
                OUTBOX_FAILURES.labels(self._service).inc()
                log.warning("outbox publish failed, retrying", extra={
                    "service": self._service, "error": type(exc).__name__,
                    "retry_in_s": backoff})
                await sleep_or_stop(stop, backoff)
                backoff = min(self._max_backoff, backoff * 2)
                continue
            if published == 0:
                await first_of(stop, self._wake, seconds=self._idle)
