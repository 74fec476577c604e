"""The expiry loop: marks lapsed permits expired and reminds holders before a permit lapses.

Each round, in one transaction: active permits whose validity has passed become
``expired``; an active permit whose signed output was revoked through the generic output
route becomes ``revoked`` with the output's reason (the routes show it so at once); for
each active permit within the largest reminder threshold, the nearest threshold reached
that has not been sent gets one notice (``permit.expiring``) to the holder's account
through the outbox, and a ``permit_reminders`` row (permit, days) that makes it
idempotent: a second round, a restart or a second worker never sends it twice (the row's
primary key refuses the duplicate and the round rolls back).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.perizinan import store
from services.perizinan.context import PermitContext
from services.perizinan.domain import days_left, reminders_due
from services.perizinan.settings import RegistrySettings
from services.perizinan.tables import PermitReminderRow
from shared.aio.waiting import sleep_or_stop
from shared.events.notice import new_notice, notice_topic, publish_notice
from shared.times import utc_text
from shared.web.app import BackgroundLoop
from shared.web.runtime import ServiceRuntime

log = logging.getLogger("halo.perizinan.expiry")
TEMPLATE = "permit.expiring"
SERVICE = "perizinan"


async def sweep(session: AsyncSession, now: datetime, settings: RegistrySettings
                ) -> tuple[int, int]:
    """One round; returns (permits marked expired, reminders written)."""
    expired = 0
    for permit in await store.lapsed(session, now):
        permit.status, permit.ended_at = "expired", now
        expired += 1
    for permit, out in await store.active_with_revoked_output(session):
        # revoked through the generic output route: the registry follows
        permit.status, permit.revoked_at, permit.revoked_by, permit.revoke_reason = \
            "revoked", out.revoked_at, out.revoked_by, out.revoke_reason
    reminded = 0
    horizon = now + timedelta(days=max(settings.reminder_days))
    for permit in await store.expiring(session, now, horizon):
        sent = await store.reminders_sent(session, permit.id)
        for days in reminders_due(permit.valid_until, now, settings.reminder_days, sent):
            assert permit.valid_until is not None
            notice = new_notice(SERVICE, permit.holder_account, TEMPLATE, {
                "number": permit.number, "title": permit.title,
                "valid_until": utc_text(permit.valid_until),
                "days_left": str(days_left(permit.valid_until, now)),
                "threshold": str(days)}, now, link=f"/api/v1/perizinan/permits/{permit.id}")
            session.add(PermitReminderRow(permit_id=permit.id, days=days,
                                          notice_id=notice.notice_id, sent_at=now))
            await publish_notice(session, notice)
            reminded += 1
    await session.flush()
    return expired, reminded


def expiry_loop(context: PermitContext, settings: RegistrySettings | None = None
                ) -> BackgroundLoop:
    """The background loop (ServiceSpec.background): binds ``context`` (the worker process
    has no HTTP lifespan to do it), then one round per interval."""

    async def run(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
        conf = settings or RegistrySettings.from_env()
        context.bind(runtime)
        await runtime.bus.ensure_topics([notice_topic(SERVICE)])
        while not stop.is_set():
            try:
                async with runtime.sessions() as session:
                    expired, reminded = await sweep(session, runtime.clock(), conf)
                    await session.commit()
                if reminded:
                    runtime.relay.notify()
                if expired or reminded:
                    log.info("permit expiry round", extra={"expired": expired,
                                                           "reminded": reminded})
            except Exception as exc:  # the database is down: try again next round
                log.warning("permit expiry round failed",
                            extra={"error": type(exc).__name__})
            await sleep_or_stop(stop, conf.sweep_interval_s)

    return run
