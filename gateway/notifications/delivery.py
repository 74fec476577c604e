"""The delivery worker: sends pending e-mail and WhatsApp rows, with retries and a
dead-letter topic.

One round (:meth:`DeliveryWorker.run_once`): claim the due pending rows (a short
transaction that leases them: ``next_attempt_at`` moves to the end of the lease, so another
worker does not take them while they are being sent), send each one outside any
transaction, then record the attempt and the row's new state in one transaction: ``sent``;
or, after a retryable failure, due again after an exponential backoff; or, after a
permanent failure or the last allowed attempt, ``dead``. Dead rows are published to
``halo.notifications.dead-letter.v1`` (ids, channel, event, error; no address, no body)
and marked published; a failed publish is retried next round (an outbox of their own).

A row is only sent while pending, and marked sent in the transaction that records the
attempt, so a message is sent once per event and channel. A crash between the send and that
commit sends it again when the lease ends: the external channels are at-least-once at that
one point, which no protocol without the provider's cooperation can close.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.notifications import store
from gateway.notifications.channels.base import Channel, DeliveryError, Message
from gateway.notifications.metrics import DEAD_LETTERED, PENDING, SEND_SECONDS, SENT
from gateway.notifications.settings import NotificationSettings
from gateway.notifications.tables import CHANNELS, NotificationRow
from shared.aio.waiting import first_of, sleep_or_stop
from shared.events.bus import EventBus

log = logging.getLogger("halo.notifications")
DEAD_LETTER_TOPIC = NotificationSettings.dead_letter_topic


@dataclass(frozen=True)
class Outcome:
    error: str | None = None
    status_code: int | None = None
    retryable: bool = False
    provider_id: str | None = None


class DeliveryWorker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], channels: dict[str, Channel],
                 bus: EventBus, settings: NotificationSettings,
                 clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self.channels = channels
        self._bus = bus
        self._settings = settings
        self._clock = clock
        self.wake = asyncio.Event()

    async def start(self) -> None:
        await self._bus.ensure_topics([self._settings.dead_letter_topic], partitions=1)

    async def run_once(self) -> int:
        """One round; return how many rows were attempted."""
        claimed = await self._claim() if self.channels else []
        for row, to in claimed:
            await self._record(row, await self._send(row, to))
        await self.publish_dead_letters()
        await self.refresh_gauge()
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        pause = 1.0
        while not stop.is_set():
            self.wake.clear()
            try:
                attempted = await self.run_once()
                pause = 1.0
            except Exception as exc:  # database or broker down: try again later
                log.warning("notification delivery round failed",
                            extra={"error": type(exc).__name__})
                await sleep_or_stop(stop, pause)
                pause = min(pause * 2, 30.0)
                continue
            if attempted < self._settings.batch:
                await first_of(stop, self.wake, seconds=self._settings.poll_s)

    async def _claim(self) -> list[tuple[NotificationRow, str | None]]:
        now = self._clock()
        lease = now + timedelta(seconds=self._settings.lease_s)
        out: list[tuple[NotificationRow, str | None]] = []
        async with self._sessions() as session:
            rows = await store.claim_due(session, sorted(self.channels), now, lease,
                                         self._settings.batch)
            for row in rows:
                who = await store.contact(session, row.account_id)
                address = None
                if who is not None and who.active:
                    address = who.email if row.channel == "email" else who.phone
                out.append((row, address))
            await session.commit()
        return out

    async def _send(self, row: NotificationRow, to: str | None) -> Outcome:
        if not to:
            return Outcome(error="no-address")
        message = Message(notification_id=row.id, to=to, subject=row.title, body=row.body,
                          language=row.language, template=row.template or None)
        started = time.monotonic()
        try:
            provider_id = await self.channels[row.channel].send(message)
            return Outcome(provider_id=provider_id)
        except DeliveryError as exc:
            return Outcome(error=exc.error, status_code=exc.status_code,
                           retryable=exc.retryable)
        except Exception as exc:  # a channel bug: keep the row, say which class failed
            log.error("notification channel failed unexpectedly",
                      extra={"channel": row.channel, "error": type(exc).__name__})
            return Outcome(error=f"bug-{type(exc).__name__}", retryable=True)
        finally:
            SEND_SECONDS.labels(row.channel).observe(time.monotonic() - started)

    async def _record(self, claimed: NotificationRow, result: Outcome) -> None:
        async with self._sessions() as session:
            row = await store.pending_for_update(session, claimed.id)
            if row is None:  # another worker finished it after our lease ran out
                return
            now = self._clock()
            row.attempts += 1
            row.error = result.error
            if result.error is None:
                outcome = "sent"
                row.status, row.sent_at, row.next_attempt_at = "sent", now, None
                row.provider_id = result.provider_id
            elif result.retryable and row.attempts < self._settings.max_attempts:
                outcome = "retry"
                row.next_attempt_at = now + timedelta(
                    seconds=self._settings.backoff(row.attempts))
            else:
                outcome = "dead"
                row.status, row.dead_at, row.next_attempt_at = "dead", now, None
            store.add_attempt(session, row, now, outcome, result.error, result.status_code)
            await session.commit()
        SENT.labels(row.channel, outcome).inc()
        log.info("notification attempt", extra={
            "notification_id": row.id, "event_id": row.event_id, "channel": row.channel,
            "outcome": outcome, "attempt": row.attempts, "error": result.error,
            "status_code": result.status_code})

    async def publish_dead_letters(self) -> int:
        async with self._sessions() as session:
            rows = await store.dead_unpublished(session, self._settings.batch)
            for row in rows:
                last = (await store.attempts(session, row.id))[-1:]
                record = {
                    "notification_id": row.id, "event_id": row.event_id,
                    "case_id": row.case_id, "account_id": row.account_id,
                    "channel": row.channel, "kind": row.kind, "event_type": row.event_type,
                    "attempts": row.attempts, "error": row.error,
                    "status_code": last[0].status_code if last else None,
                    "dead_at": row.dead_at.isoformat() if row.dead_at else None}
                await self._bus.publish(self._settings.dead_letter_topic, row.id,
                                        json.dumps(record).encode())
                row.dead_lettered_at = self._clock()
                DEAD_LETTERED.labels(row.channel).inc()
                log.error("notification dead-lettered", extra={
                    "notification_id": row.id, "event_id": row.event_id,
                    "channel": row.channel, "error": row.error})
            await session.commit()
        return len(rows)

    async def refresh_gauge(self) -> None:
        async with self._sessions() as session:
            counts = await store.pending_counts(session)
        for channel in CHANNELS[1:]:
            PENDING.labels(channel).set(counts.get(channel, 0))

    async def aclose(self) -> None:
        for channel in self.channels.values():
            await channel.aclose()
