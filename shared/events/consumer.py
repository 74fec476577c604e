"""The idempotent consumer helper.

For each record: decode the envelope; skip it if this consumer already processed its event
id; otherwise run the handler and record the event id in the same transaction. Offsets are
committed after the batch is handled, so a crash re-delivers and the processed-event table
drops the repeats. A record that cannot be decoded, or whose handler keeps failing, goes to
the topic's dead-letter topic (``<topic>.dlq``); it is never silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.aio.waiting import sleep_or_stop
from shared.db.tables import ProcessedEventRow
from shared.events.bus import BusConsumer, EventBus, Record
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.observability.metrics import CONSUMER_LAG, EVENTS_CONSUMED

log = logging.getLogger("halo.consumer")
Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


class PermanentError(Exception):
    """Raised by a handler for an event that can never be applied: dead-letter it at once."""


class EventConsumer:
    def __init__(self, bus: EventBus, topics: list[str], group: str,
                 sessions: async_sessionmaker[AsyncSession], handler: Handler,
                 *, attempts: int = 3) -> None:
        self._bus = bus
        self._topics = topics
        self.group = group
        self._sessions = sessions
        self._handler = handler
        self._attempts = attempts
        self._consumer: BusConsumer | None = None

    async def start(self) -> None:
        await self._bus.ensure_topics(self._topics)
        await self._bus.ensure_topics([dead_letter_topic(t) for t in self._topics], partitions=1)
        self._consumer = self._bus.consumer(self._topics, self.group)
        await self._consumer.start()

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    async def poll_once(self, timeout_ms: int = 500) -> int:
        """Handle one batch and commit it; return the number of records read."""
        assert self._consumer is not None, "start() first"
        records = await self._consumer.poll(timeout_ms=timeout_ms)
        for record in records:
            await self._handle(record)
        if records:
            await self._consumer.commit()
        CONSUMER_LAG.labels(self.group).set(await self._consumer.lag())
        return len(records)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.poll_once()
            except Exception as exc:  # broker unavailable: keep trying, offsets uncommitted
                log.warning("consumer poll failed", extra={"consumer": self.group,
                                                           "error": type(exc).__name__})
                await sleep_or_stop(stop, 1.0)

    async def _handle(self, record: Record) -> None:
        try:
            envelope = EventEnvelope.from_bytes(record.value)
        except ValidationError:
            await self._dead_letter(record, "undecodable")
            return
        for attempt in range(1, self._attempts + 1):
            try:
                outcome = await self._apply(envelope)
                EVENTS_CONSUMED.labels(self.group, outcome).inc()
                return
            except PermanentError:
                break
            except Exception as exc:
                log.warning("event handling failed", extra={
                    "consumer": self.group, "event_id": envelope.event_id,
                    "attempt": attempt, "error": type(exc).__name__})
                await asyncio.sleep(0.05 * attempt)
        await self._dead_letter(record, "handler-failed")

    async def _apply(self, envelope: EventEnvelope) -> str:
        async with self._sessions() as session:
            seen = await session.get(ProcessedEventRow, (self.group, envelope.event_id))
            if seen is not None:
                return "duplicate"
            await self._handler(session, envelope)
            session.add(ProcessedEventRow(consumer=self.group, event_id=envelope.event_id,
                                          processed_at=datetime.now(UTC)))
            await session.commit()
        return "applied"

    async def _dead_letter(self, record: Record, reason: str) -> None:
        await self._bus.ensure_topics([dead_letter_topic(record.topic)], partitions=1)
        await self._bus.publish(dead_letter_topic(record.topic), record.key or "", record.value)
        EVENTS_CONSUMED.labels(self.group, "dead_lettered").inc()
        log.error("event dead-lettered", extra={"consumer": self.group, "reason": reason,
                                                 "topic": record.topic, "offset": record.offset})
