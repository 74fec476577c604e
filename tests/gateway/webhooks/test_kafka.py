"""Distributed mode: the webhooks consumer (the shared idempotent consumer, group of its own)
on the real Kafka broker and a real PostgreSQL database (integration tier): one delivery per
subscription and event across a re-published envelope and a replay under another group, then
sent, signed, to a real HTTP receiver.

The test uses a topic of its own (a uuid suffix): the shared broker's real case topics carry
other tests' events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.webhooks.delivery import WebhookWorker
from gateway.webhooks.fanout import Fanout
from gateway.webhooks.part import MIGRATIONS, WakingConsumer
from gateway.webhooks.signing import SecretBox, new_secret
from gateway.webhooks.tables import WebhookDeliveryRow, WebhookSubscriptionRow
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.events.kafka import KafkaBus
from tests.gateway.webhooks.support import KIA, SETTINGS
from tests.support.kafka_consumer import consumed
from tests.support.kafka_topics import delete_topics
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(fresh_pg_url: str) -> AsyncIterator[Sessions]:
    await asyncio.to_thread(migrate.upgrade, fresh_pg_url, "head", Path(MIGRATIONS[0]),
                            MIGRATIONS[1])
    engine = make_engine(fresh_pg_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def envelope(type_: str, seq: int) -> EventEnvelope:
    return EventEnvelope(
        event_id=str(uuid.uuid4()), type=type_, source="dukcapil", case_id="case-k",
        tracking_no="DK-7MQ3-XA9T", sop_key=KIA, sop_version=1, seq=seq,
        actor_role="operator", actor_agency="disdukcapil", time=START + timedelta(minutes=seq),
        status="open", data={"agency": "disdukcapil", "title": "Penerbitan KIA",
                             "due_at": None, "next_step": None})


async def count(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookDeliveryRow))
                   or 0)


async def drain(consumer: WakingConsumer, done: Callable[[], Awaitable[bool]],
                timeout_s: float = 60) -> None:
    """Poll until ``done`` (a new group's first poll waits for its partitions)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await done():
        assert loop.time() < deadline, "the consumer did not catch up in time"
        await consumer.poll_once(timeout_ms=500)


async def test_on_kafka_once_per_subscription_and_event(kafka_bootstrap: str,
                                                        sessions: Sessions) -> None:
    suffix = uuid.uuid4().hex[:12]
    topic = f"halo.hooktest{suffix}.case-events.v1"
    group = f"gateway-webhooks-{suffix}"
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-hooks-{suffix}", request_timeout_ms=5000)
    await bus.start()
    clock = lambda: START + timedelta(hours=1)  # noqa: E731
    secret = new_secret()
    worker = WebhookWorker(sessions, SETTINGS, clock)
    receiver = WebhookReceiver(secrets=[secret], clock=lambda: clock().timestamp())
    await receiver.start()

    def consumer(name: str) -> WakingConsumer:
        return WakingConsumer(bus, [topic], name, sessions, Fanout(clock).handle,
                              worker.wake.set)

    try:
        async with sessions() as session:
            session.add(WebhookSubscriptionRow(
                id=str(uuid.uuid4()), agency="disdukcapil", account_id="integrasi-1",
                url=receiver.url, event_types=["case.submitted", "case.step_completed"],
                sop_keys=[KIA], secret_sealed=SecretBox(SETTINGS.key).seal(secret),
                created_by="test", created_at=START, updated_at=START))
            await session.commit()
        await bus.ensure_topics([topic])
        submitted, moved = envelope("case.submitted", 1), envelope("case.step_completed", 2)
        returned = envelope("case.returned", 3)  # not a type of the subscription
        for event in (submitted, submitted, moved, returned):  # the first one twice
            await bus.publish(topic, event.case_id, event.to_bytes())

        async def three_seen() -> bool:
            return consumed(group, "applied") + consumed(group, "duplicate") >= 4

        first = consumer(group)
        await first.start()
        await drain(first, three_seen)
        await first.stop()
        assert await count(sessions) == 2
        assert worker.wake.is_set()
        replay = consumer(f"{group}-replay")
        await replay.start()

        async def replayed() -> bool:
            return consumed(f"{group}-replay", "applied") >= 3

        await drain(replay, replayed)
        await replay.stop()
        assert await count(sessions) == 2  # a second group writes nothing new
        assert await worker.run_once() == 2
        assert [r.json["event_id"] for r in receiver.accepted] == [submitted.event_id,
                                                                   moved.event_id]
    finally:
        await worker.aclose()
        await receiver.stop()
        await asyncio.wait_for(bus.stop(), 30)
        await delete_topics(kafka_bootstrap, [topic, dead_letter_topic(topic)])
