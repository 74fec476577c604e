"""EventConsumer (shared/events/consumer.py) over KafkaBus on the real broker: poison records
end on the dead-letter topic and the consumer goes on with the next records, offsets committed.

What the consumer treats as poison: a record that is not a valid envelope (pydantic
ValidationError on decode: dead-lettered at once, the handler never runs), an event whose
handler raises ``PermanentError`` (dead-lettered after one call), and an event whose handler
keeps raising anything else (dead-lettered after ``attempts`` calls). The same cases on the
in-process bus are in tests/shared/events/test_consumer.py; this is the Kafka side (manual
commit, group offsets, a one-partition ``<topic>.dlq`` created by the consumer).

Real PostgreSQL (a fresh, migrated database: the processed-event table and the handler's
writes) and the real broker of the integration tier; own topic and groups (uuid suffix).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.migrate import upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.events.consumer import PermanentError
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.events.kafka import KafkaBus
from tests.support.kafka_consumer import (
    consumed,
    event_consumer,
    processed_ids,
)
from tests.support.kafka_topics import (
    committed_offsets,
    delete_topics,
    end_offsets,
    read_topic,
)

pytestmark = pytest.mark.integration

NOT_JSON = b"not json \xff"
NOT_AN_ENVELOPE = b'{"event_id": "x", "case_id": "case-p", "seq": 2}'


def envelope(case_id: str, seq: int, type_: str = "case.step_completed") -> EventEnvelope:
    return EventEnvelope(
        event_id=str(uuid.uuid4()), type=type_, source="consumertest", case_id=case_id,
        tracking_no=f"TST-{case_id}", sop_key="sop-x", sop_version=1, seq=seq,
        actor_role="operator", time=datetime(2026, 3, 2, 9, seq, tzinfo=UTC), status="open",
        applicant="subj-1")


@pytest.fixture
async def sessions(fresh_pg_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(upgrade, fresh_pg_url)  # alembic runs its own event loop
    engine = make_engine(fresh_pg_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def topic(kafka_bootstrap: str) -> AsyncIterator[tuple[KafkaBus, str]]:
    """A producer and a topic of this test (3 partitions, as services' topics)."""
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-dlq-{uuid.uuid4().hex[:6]}",
                   request_timeout_ms=5000)
    await bus.start()
    name = f"halo.consumertest.case-events.v1.t{uuid.uuid4().hex[:12]}"
    try:
        await bus.ensure_topics([name])
        yield bus, name
    finally:
        await asyncio.wait_for(bus.stop(), 30)
        await delete_topics(kafka_bootstrap, [name, dead_letter_topic(name)])


async def test_poison_records_are_dead_lettered_and_the_consumer_goes_on(
        kafka_bootstrap: str, topic: tuple[KafkaBus, str],
        sessions: async_sessionmaker[AsyncSession]) -> None:
    bus, name = topic
    dlq = dead_letter_topic(name)
    first = envelope("case-p", 1, "case.submitted")
    permanent = envelope("case-p", 2)    # its handler raises PermanentError
    failing = envelope("case-p", 3)      # its handler raises RuntimeError every time
    after = envelope("case-p", 4)
    other = envelope("case-q", 1, "case.submitted")
    # One key, so one partition, in this order: the good records around the poison ones must
    # be applied, and in order; a byte-identical copy of the first is dropped as a duplicate.
    await bus.publish_batch([
        (name, "case-p", first.to_bytes()),
        (name, "case-p", NOT_JSON),
        (name, "case-p", NOT_AN_ENVELOPE),
        (name, "case-p", permanent.to_bytes()),
        (name, "case-q", other.to_bytes()),
        (name, "case-p", failing.to_bytes()),
        (name, "case-p", after.to_bytes()),
        (name, "case-p", first.to_bytes()),
    ])
    ends = await end_offsets(kafka_bootstrap, name)
    assert len(ends) == 3 and sum(ends.values()) == 8

    async with event_consumer(kafka_bootstrap, name, sessions, "dlq", attempts=3,
                              fail={permanent.event_id: PermanentError,
                                    failing.event_id: RuntimeError},
                              keep_dead_letters=True) as tc:
        await tc.wait_caught_up(timeout_s=60)
        group = tc.group

        # The poison records, as they were (key and bytes), in order, on the one-partition DLQ.
        assert await end_offsets(kafka_bootstrap, dlq) == {0: 4}
        assert await read_topic(kafka_bootstrap, dlq) == [
            ("case-p", 0, NOT_JSON), ("case-p", 0, NOT_AN_ENVELOPE),
            ("case-p", 0, permanent.to_bytes()), ("case-p", 0, failing.to_bytes())]

        # The consumer went on: the good records after the poison ones were applied, each
        # case's in order; the poison ones left no write behind (rolled back) and are not
        # marked processed.
        applied = await tc.applied()
        assert [(a.case_id, a.seq, a.event_id) for a in applied if a.case_id == "case-p"] == [
            ("case-p", 1, first.event_id), ("case-p", 4, after.event_id)]
        assert [a.event_id for a in applied if a.case_id == "case-q"] == [other.event_id]
        assert len(applied) == 3
        assert sorted(await processed_ids(sessions, group)) == sorted(
            [first.event_id, after.event_id, other.event_id])
        # The undecodable records never reached the handler; PermanentError: one call, no
        # retry; any other error: ``attempts`` calls; the copy of ``first``: dropped unseen.
        calls = tc.handler.calls
        assert calls.count(permanent.event_id) == 1
        assert calls.count(failing.event_id) == 3
        assert calls.count(first.event_id) == 1
        assert len(calls) == 1 + 1 + 3 + 1 + 1
        assert consumed(group, "dead_lettered") == 4
        assert consumed(group, "applied") == 3
        assert consumed(group, "duplicate") == 1

        # Offsets committed past every record, poison included, on every partition.
        assert await committed_offsets(kafka_bootstrap, group, name) == ends

    # A restart of the group resumes after the commit: no record is handled or dead-lettered
    # again, and the next event is applied.
    later = envelope("case-p", 5)
    async with event_consumer(kafka_bootstrap, name, sessions, "dlq", group=group) as again:
        await bus.publish(name, "case-p", later.to_bytes())
        await again.wait_caught_up(timeout_s=60)
        assert again.handler.calls == [later.event_id]
        assert await end_offsets(kafka_bootstrap, dlq) == {0: 4}
        applied = await again.applied()
        assert [a.event_id for a in applied][-1] == later.event_id
        assert [a.seq for a in applied if a.case_id == "case-p"] == [1, 4, 5]
        assert consumed(group, "dead_lettered") == 4
        assert consumed(group, "applied") == 4
