"""The delivery loop: POSTs pending deliveries to their receivers, with retries, backoff and
jitter, a dead letter after the last attempt, and leases so two gateway processes never send
one delivery at once.

One round (:meth:`WebhookWorker.run_once`): claim the due deliveries of active, unpaused
subscriptions (a short transaction that leases them: ``next_attempt_at`` moves to the end of
the lease and ``lease_token`` names this round), send each outside any transaction, then
record the attempt and the delivery's new state in one transaction, only if the lease is
still this round's. A 2xx answer is ``delivered``; any other status, a timeout or a
connection error is retried after ``backoff(n)`` seconds ± ``jitter``; the
``max_attempts``-th failure makes it ``dead`` (kept, listed, replayable). Every failure
since the subscription's last success counts toward its pause: failing for
``pause_after_s`` pauses it (``paused_at``; the agency admin sees it in the list and
resumes it with ``PATCH {"active": true}``).

The clock is injected, so a test drives retries by moving it; nothing here sleeps but the
idle wait of :meth:`run`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.webhooks import pinning, signing, store, urls
from gateway.webhooks.metrics import (
    ATTEMPT_SECONDS,
    DEAD_LETTERED,
    DELIVERIES,
    PAUSED,
    PENDING,
)
from gateway.webhooks.settings import WebhookSettings
from gateway.webhooks.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow
from shared.aio.waiting import first_of, sleep_or_stop

log = logging.getLogger("halo.webhooks")
USER_AGENT = "HaloLamsel-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.error is None and self.status_code is not None \
            and 200 <= self.status_code < 300


def valid_secrets(sub: WebhookSubscriptionRow, box: signing.SecretBox, now: datetime
                  ) -> list[str]:
    """The secrets that sign now: the current one, and the previous during its grace."""
    found = [box.open(sub.secret_sealed)]
    if sub.previous_sealed and sub.previous_until and sub.previous_until > now:
        found.append(box.open(sub.previous_sealed))
    return found


class WebhookWorker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: WebhookSettings,
                 clock: Callable[[], datetime], *, rng: random.Random | None = None,
                 resolver: urls.Resolver = urls.resolve) -> None:
        self._sessions = sessions
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()
        self._resolver = resolver
        self.box = signing.SecretBox(settings.key)
        headers = {"User-Agent": USER_AGENT}
        self._http = (pinning.public_only_client(resolver, settings.timeout_s, headers)
                      if settings.production else
                      httpx.AsyncClient(timeout=settings.timeout_s, follow_redirects=False,
                                        trust_env=False, headers=headers))
        self.wake = asyncio.Event()

    async def run_once(self) -> int:
        """One round; return how many deliveries were attempted."""
        token = str(uuid.uuid4())
        claimed = await self._claim(token)
        for delivery, sub in claimed:
            await self._record(delivery.id, token, await self.send(delivery, sub))
        await self.refresh_gauge()
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        pause = 1.0
        while not stop.is_set():
            self.wake.clear()
            try:
                attempted = await self.run_once()
                pause = 1.0
            except Exception as exc:  # database down: try again later
                log.warning("webhook delivery round failed", extra={"error": type(exc).__name__})
                await sleep_or_stop(stop, pause)
                pause = min(pause * 2, 30.0)
                continue
            if attempted < self._settings.batch:
                await first_of(stop, self.wake, seconds=self._settings.poll_s)

    async def _claim(self, token: str
                     ) -> list[tuple[WebhookDeliveryRow, WebhookSubscriptionRow]]:
        now = self._clock()
        lease = now + timedelta(seconds=self._settings.lease_s)
        async with self._sessions() as session:
            rows = await store.claim_due(session, now, lease, token, self._settings.batch)
            await session.commit()
        return rows

    async def send(self, delivery: WebhookDeliveryRow, sub: WebhookSubscriptionRow) -> Outcome:
        """One POST of ``delivery`` to the subscription's URL, signed now."""
        started = time.monotonic()

        def done(**kw: object) -> Outcome:
            took = time.monotonic() - started
            ATTEMPT_SECONDS.observe(took)
            return Outcome(duration_ms=int(took * 1000), **kw)  # type: ignore[arg-type]

        now = self._clock()
        try:
            await urls.check(sub.url, production=self._settings.production,
                             allow_http_local=self._settings.allow_http_local,
                             resolver=self._resolver)
        except urls.UrlRefused:
            return done(error="refused-address")
        body = delivery.body.encode()
        timestamp = int(now.timestamp())
        headers = {"Content-Type": "application/json",
                   signing.HEADER_ID: delivery.id,
                   signing.HEADER_TIMESTAMP: str(timestamp),
                   signing.HEADER_EVENT: delivery.event_type,
                   signing.HEADER_SIGNATURE: signing.signature_header(
                       valid_secrets(sub, self.box, now), timestamp, body)}
        try:
            response = await self._http.post(sub.url, content=body, headers=headers)
        except pinning.AddressRefused:
            return done(error="refused-address")
        except httpx.TimeoutException:
            return done(error="timeout")
        except httpx.ConnectError:
            return done(error="connect")
        except httpx.HTTPError as exc:
            return done(error=type(exc).__name__[:60])
        excerpt = response.content[:self._settings.response_excerpt].decode("utf-8", "replace")
        ok = 200 <= response.status_code < 300
        return done(status_code=response.status_code, error=None if ok else "status",
                    excerpt=excerpt)

    def retry_in(self, attempts: int) -> float:
        base = self._settings.backoff(attempts)
        spread = self._settings.jitter
        return base * (1 + self._rng.uniform(-spread, spread)) if spread else base

    async def _record(self, delivery_id: str, token: str, result: Outcome) -> None:
        async with self._sessions() as session:
            row = await store.leased(session, delivery_id, token)
            if row is None:  # the lease ran out and another round took it
                return
            sub = await store.subscription(session, row.subscription_id)
            now = self._clock()
            row.attempts += 1
            row.lease_token = None
            row.last_status_code, row.last_error = result.status_code, result.error
            if result.delivered:
                outcome = "delivered"
                row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
            elif row.attempts < self._settings.max_attempts:
                outcome = "retry"
                row.next_attempt_at = now + timedelta(seconds=self.retry_in(row.attempts))
            else:
                outcome = "dead"
                row.status, row.dead_at, row.next_attempt_at = "dead", now, None
            session.add(WebhookAttemptRow(
                delivery_id=row.id, at=now, duration_ms=result.duration_ms, outcome=outcome,
                status_code=result.status_code, error=result.error,
                response_excerpt=result.excerpt))
            if sub is not None:
                self._health(sub, result.delivered, now)
            await session.commit()
        DELIVERIES.labels(outcome).inc()
        if outcome == "dead":
            DEAD_LETTERED.inc()
        log.info("webhook attempt", extra={
            "delivery_id": row.id, "subscription_id": row.subscription_id,
            "event_id": row.event_id, "outcome": outcome, "attempt": row.attempts,
            "status_code": result.status_code, "error": result.error})

    def _health(self, sub: WebhookSubscriptionRow, delivered: bool, now: datetime) -> None:
        if delivered:
            sub.failing_since = None
            return
        if sub.failing_since is None:
            sub.failing_since = now
        elif (sub.paused_at is None
              and now - sub.failing_since >= timedelta(seconds=self._settings.pause_after_s)):
            sub.paused_at = now
            PAUSED.inc()
            log.warning("webhook subscription paused", extra={
                "subscription_id": sub.id, "agency": sub.agency})

    async def refresh_gauge(self) -> None:
        async with self._sessions() as session:
            PENDING.set(await store.pending_count(session))

    async def aclose(self) -> None:
        await self._http.aclose()
