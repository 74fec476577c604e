"""The notification consumer and the delivery worker on the real Kafka broker and a real
PostgreSQL database (integration tier): one row per event, account and channel across a
re-published envelope, a restart of the group and a replay under another group; a failing
WhatsApp channel ends on the dead-letter topic, without personal data.

The test uses topics of its own (a uuid suffix): the shared broker's real case topics carry
other tests' events."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.identity.part import MIGRATIONS as IDENTITY
from gateway.identity.tables import AccountRow
from gateway.notifications.delivery import DeliveryWorker
from gateway.notifications.part import MIGRATIONS, NotifyingConsumer, load_templates
from gateway.notifications.service import Notifier
from gateway.notifications.tables import NotificationAttemptRow, NotificationRow
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import ProcessedEventRow
from shared.events.envelope import EventEnvelope, StepRef, dead_letter_topic
from shared.events.kafka import KafkaBus
from tests.gateway.notifications.support import START, Clock, officer_step, settings
from tests.gateway.notifications.test_whatsapp import channel
from tests.support.kafka_consumer import consumed
from tests.support.kafka_topics import delete_topics, read_topic
from tests.support.whatsapp_standin import WhatsAppStandIn

pytestmark = pytest.mark.integration
PHONE = "+6281234567890"
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(fresh_pg_url: str) -> AsyncIterator[Sessions]:
    for folder, table in (IDENTITY, MIGRATIONS):
        await asyncio.to_thread(migrate.upgrade, fresh_pg_url, "head", Path(folder), table)
    engine = make_engine(fresh_pg_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def add_account(sessions: Sessions, roles: list[str], agency: str | None,
                      phone: str | None = None) -> str:
    account_id = str(uuid.uuid4())
    async with sessions() as session:
        session.add(AccountRow(id=account_id, kind="citizen", name="Akun Uji",
                               email=f"{account_id}@contoh.id", phone=phone,
                               password_hash="-", roles=roles, agency=agency,
                               created_by="test", created_at=START, updated_at=START))
        await session.commit()
    return account_id


def envelope(type_: str, seq: int, applicant: str, current: StepRef) -> EventEnvelope:
    return EventEnvelope(
        event_id=str(uuid.uuid4()), type=type_, source="dukcapil", case_id="case-k",
        tracking_no="DK-7MQ3-XA9T", sop_key="dukcapil-kia-0-5-tahun", sop_version=1, seq=seq,
        actor_role="operator", actor_agency="disdukcapil", time=START + timedelta(minutes=seq),
        status="open", current=current, applicant=applicant,
        data={"agency": "disdukcapil", "title": "Penerbitan KIA", "due_at": None,
              "next_step": current.id})


async def keys(sessions: Sessions) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await session.scalars(select(NotificationRow))
        return sorted((r.event_id, r.account_id, r.channel) for r in rows)


async def drain(consumer: NotifyingConsumer, done: Callable[[], Awaitable[bool]],
                timeout_s: float = 60) -> None:
    """Poll until ``done`` (a new group's first poll waits for its partitions)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await done():
        assert loop.time() < deadline, "the consumer did not catch up in time"
        await consumer.poll_once(timeout_ms=500)


async def test_on_kafka_once_per_event_account_and_channel_and_dead_letters(
        kafka_bootstrap: str, sessions: Sessions, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:12]
    topic = f"halo.notiftest{suffix}.case-events.v1"
    conf = replace(settings(tmp_path, max_attempts=2), group=f"notif-{suffix}",
                   dead_letter_topic=f"halo.notifications.dead-letter.v1.t{suffix}")
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-notif-{suffix}", request_timeout_ms=5000)
    await bus.start()
    clock = Clock()
    standin = WhatsAppStandIn()
    standin.fail(500, 500)
    worker = DeliveryWorker(sessions, {"whatsapp": channel(standin)}, bus, conf, clock)
    notifier = Notifier(load_templates(conf), clock, email=False, whatsapp=True)

    def consumer(group: str) -> NotifyingConsumer:
        return NotifyingConsumer(bus, [topic], group, sessions, notifier.handle,
                                 worker.wake.set)

    try:
        await bus.ensure_topics([topic])
        await worker.start()
        warga = await add_account(sessions, ["citizen"], None, phone=PHONE)
        op = await add_account(sessions, ["disdukcapil:operator"], "disdukcapil")
        kabid = await add_account(sessions, ["disdukcapil:kabid"], "disdukcapil")
        submitted = envelope("case.submitted", 1, warga, officer_step())
        moved = envelope("case.step_completed", 2, warga, officer_step(role="kabid"))
        for event in (submitted, submitted, moved):  # the first one published twice
            await bus.publish(topic, event.case_id, event.to_bytes())
        expected = sorted([(submitted.event_id, warga, "inapp"),
                           (submitted.event_id, warga, "whatsapp"),
                           (submitted.event_id, op, "inapp"), (moved.event_id, kabid, "inapp")])

        async def caught_up() -> bool:
            return len(await keys(sessions)) >= len(expected)

        first = consumer(conf.group)
        await first.start()
        await drain(first, caught_up)
        assert await keys(sessions) == expected
        await first.stop()

        # A restart of the group resumes after its commit; the next event is applied.
        later = envelope("case.due_soon", 3, warga, officer_step(role="kabid"))
        await bus.publish(topic, later.case_id, later.to_bytes())
        expected = sorted([*expected, (later.event_id, kabid, "inapp")])
        again = consumer(conf.group)
        await again.start()
        await drain(again, caught_up)
        await again.stop()
        # Each event was applied once by the group; the re-published copy was dropped.
        assert (consumed(conf.group, "applied"), consumed(conf.group, "duplicate")) == (3, 1)
        # A replay of the whole topic under another group writes nothing new.
        replay = consumer(f"{conf.group}-replay")
        await replay.start()

        async def replayed() -> bool:
            async with sessions() as session:
                seen = await session.scalars(select(ProcessedEventRow).where(
                    ProcessedEventRow.consumer == f"{conf.group}-replay"))
                return len(list(seen)) == 3
        await drain(replay, replayed)
        await replay.stop()
        assert await keys(sessions) == expected

        # The WhatsApp row fails twice (500): dead, and on the dead-letter topic.
        assert await worker.run_once() == 1
        clock.advance(seconds=30)
        assert await worker.run_once() == 1
        async with sessions() as session:
            row = await session.scalar(select(NotificationRow).where(
                NotificationRow.channel == "whatsapp"))
            attempts = list(await session.scalars(select(NotificationAttemptRow)))
        assert row is not None and (row.status, row.attempts) == ("dead", 2)
        assert [(a.outcome, a.status_code) for a in attempts] == [("retry", 500),
                                                                  ("dead", 500)]
        [(key, _, value)] = await read_topic(kafka_bootstrap, conf.dead_letter_topic)
        record = json.loads(value)
        assert key == row.id and record["notification_id"] == row.id
        assert (record["event_id"], record["channel"], record["error"]) == (
            submitted.event_id, "whatsapp", "graph-131000")
        assert PHONE[1:] not in value.decode() and "contoh.id" not in value.decode()
    finally:
        await worker.aclose()
        await asyncio.wait_for(bus.stop(), 30)
        await delete_topics(kafka_bootstrap, [topic, dead_letter_topic(topic),
                                              conf.dead_letter_topic])
