"""The idempotent consumer helper.

For each record: decode the envelope; skip it if this consumer already processed its event
id; otherwise run the handler and record the event id in the same transaction. Offsets are
committed after the batch is handled, so a crash re-delivers and the processed-event table
drops the repeats. A record that cannot be decoded, or whose handler keeps failing, goes to
the topic's dead-letter topic (``<topic>.dlq``) with headers saying why and where it came
from; it is never silently dropped. So does an envelope of another major ``spec_version``
than the decoder's (:mod:`shared.events.spec_version`; counted in
``halo_events_refused_total{reason="spec_version"}``); a newer minor is applied, its unknown
keys ignored.

A failure of the consumer's own infrastructure (its database unreachable, a connection
dropped, a timeout) says nothing about the event: the batch is rewound to its first record
and retried after a pause, and nothing is dead-lettered. Events already applied in that
batch come back as duplicates and are dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.aio.waiting import sleep_or_stop
from shared.db.tables import ProcessedEventRow
from shared.events.bus import BusConsumer, EventBus, Record
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.events.spec_version import refused_version, spoken_version
from shared.observability.metrics import CONSUMER_LAG, EVENTS_CONSUMED, EVENTS_REFUSED

log = logging.getLogger("halo.consumer")
Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


class PermanentError(Exception):
    """Raised by a handler for an event that can never be applied: dead-letter it at once."""


class ConsumerUnavailable(Exception):
    """The consumer's own infrastructure failed; the batch was rewound for a retry."""


def is_transient(exc: BaseException) -> bool:
    """An outage of the consumer's database or network, not a fault of the event."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError,
                            sa_exc.TimeoutError, ConnectionError, TimeoutError, OSError))


class EventConsumer:
    def __init__(self, bus: EventBus, topics: list[str], group: str,
                 sessions: async_sessionmaker[AsyncSession], handler: Handler,
                 *, attempts: int = 3,
                 decode: Callable[[bytes], Any] = EventEnvelope.from_bytes,
                 spec_version: str | None = None) -> None:
        """``decode`` reads a record's value: the case envelope, or another envelope with an
        ``event_id`` (e.g. :class:`shared.events.notice.NoticeEnvelope`). ``spec_version``
        is the contract version applied (default: that of ``decode``'s model)."""
        self._decode = decode
        self._spec_version = spec_version or spoken_version(decode)
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
        """Handle one batch and commit it; return the number of records read.

        Raises :class:`ConsumerUnavailable` (nothing committed, the batch rewound) when the
        consumer's own infrastructure fails."""
        assert self._consumer is not None, "start() first"
        records = await self._consumer.poll(timeout_ms=timeout_ms)
        try:
            for record in records:
                await self._handle(record)
        except ConsumerUnavailable:
            self._rewind(records)
            raise
        if records:
            await self._consumer.commit()
        CONSUMER_LAG.labels(self.group).set(await self._consumer.lag())
        return len(records)

    def _rewind(self, records: list[Record]) -> None:
        assert self._consumer is not None
        first: dict[tuple[str, int], int] = {}
        for r in records:
            first.setdefault((r.topic, r.partition), r.offset)
        for (topic, partition), offset in first.items():
            self._consumer.seek(topic, partition, offset)

    async def run(self, stop: asyncio.Event) -> None:
        pause = 1.0
        while not stop.is_set():
            try:
                await self.poll_once()
                pause = 1.0
            except Exception as exc:  # broker or database unavailable: offsets uncommitted
                log.warning("consumer poll failed", extra={"consumer": self.group,
                                                           "error": type(exc).__name__})
                await sleep_or_stop(stop, pause)
                pause = min(pause * 2, 30.0)

    async def _handle(self, record: Record) -> None:
        version = refused_version(record.value, self._spec_version)
        if version is not None:
            EVENTS_REFUSED.labels(self.group, "spec_version").inc()
            await self._dead_letter(record, "spec-version", f"spec_version {version}")
            return
        try:
            envelope = self._decode(record.value)
        except ValidationError:
            await self._dead_letter(record, "undecodable", "ValidationError")
            return
        error = ""
        for attempt in range(1, self._attempts + 1):
            try:
                outcome = await self._apply(envelope)
                EVENTS_CONSUMED.labels(self.group, outcome).inc()
                return
            except PermanentError as exc:
                error = type(exc).__name__
                break
            except Exception as exc:
                if is_transient(exc):
                    raise ConsumerUnavailable(type(exc).__name__) from exc
                error = type(exc).__name__
                log.warning("event handling failed", extra={
                    "consumer": self.group, "event_id": envelope.event_id,
                    "attempt": attempt, "error": error})
                await asyncio.sleep(0.05 * attempt)
        await self._dead_letter(record, "handler-failed", error)

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

    async def _dead_letter(self, record: Record, reason: str, error: str) -> None:
        """Copy the record, as it was, to the dead-letter topic; headers say why and where
        from, so an operator can fix the cause and replay it."""
        headers = (("halo-dlq-reason", reason.encode()), ("halo-dlq-error", error.encode()),
                   ("halo-dlq-consumer", self.group.encode()),
                   ("halo-dlq-source", f"{record.topic}/{record.partition}/{record.offset}"
                    .encode()))
        await self._bus.ensure_topics([dead_letter_topic(record.topic)], partitions=1)
        await self._bus.publish(dead_letter_topic(record.topic), record.key or "", record.value,
                                record.headers + headers)
        EVENTS_CONSUMED.labels(self.group, "dead_lettered").inc()
        log.error("event dead-lettered", extra={"consumer": self.group, "reason": reason,
                                                 "error": error, "topic": record.topic,
                                                 "offset": record.offset})
