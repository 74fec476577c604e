"""EventConsumer (shared/events/consumer.py) on the in-process bus and a migrated SQLite file.

Dedup on event id, dead-lettering (undecodable, failing, permanent), commit after handling.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.migrate import upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import AuditRow, ProcessedEventRow
from shared.events.bus import Record
from shared.events.consumer import ConsumerUnavailable, EventConsumer, Handler, PermanentError
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.events.memory import InProcessBus, InProcessConsumer
from shared.observability.metrics import EVENTS_CONSUMED

TOPIC = "halo.testsvc.case-events.v1"
DLQ = dead_letter_topic(TOPIC)


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}"
    await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    engine = make_engine(url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def bus() -> InProcessBus:
    bus = InProcessBus()
    await bus.ensure_topics([TOPIC])
    return bus


def envelope(case_id: str = "case-1", seq: int = 1, **kw: object) -> EventEnvelope:
    fields: dict[str, object] = dict(
        event_id=str(uuid.uuid4()), type="case.submitted", source="testsvc", case_id=case_id,
        tracking_no="TST-0001", sop_key="sop-x", sop_version=1, seq=seq, actor_role="pemohon",
        time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), status="open", applicant="subj-1")
    fields.update(kw)
    return EventEnvelope.model_validate(fields)


class Recorder:
    """A handler that writes an audit row per event in the consumer's transaction."""

    def __init__(self, fail_times: int = 0, error: type[Exception] = RuntimeError) -> None:
        self.calls: list[str] = []
        self.fail_times = fail_times
        self.error = error

    async def __call__(self, session: AsyncSession, env: EventEnvelope) -> None:
        self.calls.append(env.event_id)
        session.add(AuditRow(at=datetime.now(UTC), actor_id="consumer", action=env.type,
                             target=env.event_id, detail={"seq": env.seq}))
        await session.flush()
        if len(self.calls) <= self.fail_times:
            raise self.error("handler failed")


def counter(group: str, outcome: str) -> float:
    return EVENTS_CONSUMED.labels(group, outcome)._value.get()


def group_name(label: str) -> str:
    return f"test-{label}-{uuid.uuid4().hex[:8]}"


async def audit_targets(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(AuditRow.target).order_by(AuditRow.id)))


async def processed(sessions: async_sessionmaker[AsyncSession], group: str) -> set[str]:
    async with sessions() as session:
        rows = await session.scalars(select(ProcessedEventRow.event_id)
                                     .where(ProcessedEventRow.consumer == group))
        return set(rows)


def dlq_records(bus: InProcessBus) -> list[Record]:
    return [r for part in bus._logs.get(DLQ, []) for r in part]


async def run_consumer(bus: InProcessBus, sessions: async_sessionmaker[AsyncSession],
                       handler: Handler, group: str, attempts: int = 3) -> EventConsumer:
    consumer = EventConsumer(bus, [TOPIC], group, sessions, handler, attempts=attempts)
    await consumer.start()
    try:
        while await consumer.poll_once(timeout_ms=50):
            pass
    finally:
        await consumer.stop()
    return consumer


async def test_start_creates_the_dead_letter_topic(bus: InProcessBus,
                                                   sessions: async_sessionmaker[AsyncSession]
                                                   ) -> None:
    await run_consumer(bus, sessions, Recorder(), group_name("start"))
    assert bus.end_offsets(DLQ) == [0]  # one partition, empty


async def test_same_event_delivered_twice_is_handled_once(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("dedup")
    env = envelope()
    other = envelope(seq=2, type="case.step_completed")
    for e in (env, env, other, env):
        await bus.publish(TOPIC, e.case_id, e.to_bytes())
    handler = Recorder()

    await run_consumer(bus, sessions, handler, group)

    assert handler.calls == [env.event_id, other.event_id]
    assert await audit_targets(sessions) == [env.event_id, other.event_id]
    assert await processed(sessions, group) == {env.event_id, other.event_id}
    assert counter(group, "applied") == 2
    assert counter(group, "duplicate") == 2
    assert counter(group, "dead_lettered") == 0
    assert dlq_records(bus) == []


async def test_dedup_is_per_consumer_group(bus: InProcessBus,
                                           sessions: async_sessionmaker[AsyncSession]) -> None:
    env = envelope()
    await bus.publish(TOPIC, env.case_id, env.to_bytes())
    one, two = Recorder(), Recorder()
    await run_consumer(bus, sessions, one, group_name("one"))
    await run_consumer(bus, sessions, two, group_name("two"))
    assert one.calls == [env.event_id]
    assert two.calls == [env.event_id]


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe\x00", b'{"event_id": "x"}', b"",
                                 b'{"spec_version": "1"}'], ids=["text", "binary", "partial",
                                                                  "empty", "missing-fields"])
async def test_undecodable_record_goes_to_the_dead_letter_topic(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession], raw: bytes) -> None:
    group = group_name("undecodable")
    good = envelope()
    await bus.publish(TOPIC, "case-1", raw)
    await bus.publish(TOPIC, good.case_id, good.to_bytes())
    handler = Recorder()

    await run_consumer(bus, sessions, handler, group)

    dead = dlq_records(bus)
    assert [(r.key, r.value) for r in dead] == [("case-1", raw)]
    assert handler.calls == [good.event_id], "the bad record must not block the next one"
    assert counter(group, "dead_lettered") == 1
    assert counter(group, "applied") == 1
    assert sum(bus.committed(group, TOPIC)) == 2, "both records committed"


async def test_handler_that_keeps_failing_is_dead_lettered_after_the_attempts(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("failing")
    bad, good = envelope(case_id="case-bad"), envelope(case_id="case-good")
    await bus.publish(TOPIC, bad.case_id, bad.to_bytes())
    await bus.publish(TOPIC, good.case_id, good.to_bytes())
    calls: list[str] = []

    async def handler(session: AsyncSession, env: EventEnvelope) -> None:
        calls.append(env.event_id)
        session.add(AuditRow(at=datetime.now(UTC), actor_id="consumer", action=env.type,
                             target=env.event_id, detail={}))
        await session.flush()
        if env.case_id == "case-bad":
            raise RuntimeError("downstream unavailable")

    await run_consumer(bus, sessions, handler, group, attempts=3)

    assert calls.count(bad.event_id) == 3
    assert calls.count(good.event_id) == 1
    dead = dlq_records(bus)
    assert [(r.key, EventEnvelope.from_bytes(r.value).event_id) for r in dead] == [
        ("case-bad", bad.event_id)]
    assert dict(dead[0].headers) == {
        "halo-dlq-reason": b"handler-failed", "halo-dlq-error": b"RuntimeError",
        "halo-dlq-consumer": group.encode(),
        "halo-dlq-source": f"{TOPIC}/{bus._partition(TOPIC, 'case-bad')}/0".encode()}
    # The failed attempts were rolled back: no half-applied writes, not marked processed.
    assert await audit_targets(sessions) == [good.event_id]
    assert await processed(sessions, group) == {good.event_id}
    assert counter(group, "dead_lettered") == 1
    assert counter(group, "applied") == 1


async def test_handler_that_recovers_within_the_attempts_is_applied_once(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("flaky")
    env = envelope()
    await bus.publish(TOPIC, env.case_id, env.to_bytes())
    handler = Recorder(fail_times=2)

    await run_consumer(bus, sessions, handler, group, attempts=3)

    assert handler.calls == [env.event_id] * 3
    assert await audit_targets(sessions) == [env.event_id]
    assert dlq_records(bus) == []
    assert counter(group, "applied") == 1


async def test_permanent_error_is_dead_lettered_at_once(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("permanent")
    env = envelope()
    await bus.publish(TOPIC, env.case_id, env.to_bytes())
    handler = Recorder(fail_times=99, error=PermanentError)

    await run_consumer(bus, sessions, handler, group, attempts=5)

    assert handler.calls == [env.event_id], "no retries for a PermanentError"
    assert [r.value for r in dlq_records(bus)] == [env.to_bytes()]
    assert await audit_targets(sessions) == []
    assert await processed(sessions, group) == set()
    assert counter(group, "dead_lettered") == 1
    assert counter(group, "applied") == 0


async def test_offsets_are_committed_after_handling(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("commit")
    events = [envelope(case_id=f"case-{i % 3}", seq=i // 3 + 1) for i in range(9)]
    for e in events:
        await bus.publish(TOPIC, e.case_id, e.to_bytes())
    first = Recorder()
    await run_consumer(bus, sessions, first, group)
    assert sorted(first.calls) == sorted(e.event_id for e in events)
    assert bus.committed(group, TOPIC) == bus.end_offsets(TOPIC)

    # A restarted consumer of the same group starts after the commit: nothing runs again.
    restarted = Recorder()
    consumer = EventConsumer(bus, [TOPIC], group, sessions, restarted)
    await consumer.start()
    try:
        assert await consumer.poll_once(timeout_ms=50) == 0
        late = envelope(case_id="case-0", seq=4)
        await bus.publish(TOPIC, late.case_id, late.to_bytes())
        assert await consumer.poll_once(timeout_ms=50) == 1
    finally:
        await consumer.stop()
    assert restarted.calls == [late.event_id]
    assert bus.committed(group, TOPIC) == bus.end_offsets(TOPIC)


class CrashingCommitConsumer(InProcessConsumer):
    async def commit(self) -> None:
        assert isinstance(self._bus, CrashingCommitBus)
        if self._bus.crash:
            raise ConnectionError("crashed before commit")
        await super().commit()


class CrashingCommitBus(InProcessBus):
    """The process dies after handling a batch but before committing its offsets."""

    crash = True

    def consumer(self, topics: list[str], group: str) -> InProcessConsumer:
        return CrashingCommitConsumer(self, topics, group)


async def test_crash_before_commit_redelivers_and_dedup_drops_the_repeats(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    bus = CrashingCommitBus()
    await bus.ensure_topics([TOPIC])
    group = group_name("crash")
    events = [envelope(case_id=f"case-{i}") for i in range(4)]
    for e in events:
        await bus.publish(TOPIC, e.case_id, e.to_bytes())

    first = Recorder()
    consumer = EventConsumer(bus, [TOPIC], group, sessions, first)
    await consumer.start()
    with pytest.raises(ConnectionError):
        await consumer.poll_once(timeout_ms=50)
    await consumer.stop()
    assert sorted(first.calls) == sorted(e.event_id for e in events)
    assert sum(bus.committed(group, TOPIC)) == 0

    bus.crash = False
    second = Recorder()
    await run_consumer(bus, sessions, second, group)
    assert second.calls == [], "redelivered events were dropped by the processed-event table"
    assert counter(group, "duplicate") == len(events)
    assert bus.committed(group, TOPIC) == bus.end_offsets(TOPIC)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditRow)) == len(events)


async def test_a_database_outage_rewinds_the_batch_and_dead_letters_nothing(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    """The consumer's own database failing says nothing about the events: the batch is
    retried from its first record until the database is back; nothing goes to the DLQ."""
    group = group_name("outage")
    events = [envelope(case_id="case-1", seq=i) for i in range(1, 6)]
    for e in events:
        await bus.publish(TOPIC, e.case_id, e.to_bytes())
    database_up = False
    calls: list[int] = []

    async def handler(session: AsyncSession, env: EventEnvelope) -> None:
        calls.append(env.seq)
        if env.seq == 3 and not database_up:
            raise OperationalError("INSERT ...", {}, ConnectionRefusedError("db down"))
        session.add(AuditRow(at=datetime.now(UTC), actor_id="consumer", action=env.type,
                             target=env.event_id, detail={"seq": env.seq}))

    consumer = EventConsumer(bus, [TOPIC], group, sessions, handler, attempts=3)
    await consumer.start()
    try:
        for _ in range(3):
            with pytest.raises(ConsumerUnavailable):
                await consumer.poll_once(timeout_ms=50)
        assert sum(bus.committed(group, TOPIC)) == 0, "nothing committed while it fails"
        assert dlq_records(bus) == []
        # Each retry starts again at the batch's first record; 1 and 2, applied before the
        # outage, are dropped as duplicates without reaching the handler.
        assert calls == [1, 2, 3, 3, 3]
        assert counter(group, "duplicate") == 4
        database_up = True
        assert await consumer.poll_once(timeout_ms=50) == 5
    finally:
        await consumer.stop()
    assert dlq_records(bus) == []
    assert await audit_targets(sessions) == [e.event_id for e in events], "each applied once"
    assert await processed(sessions, group) == {e.event_id for e in events}
    assert sum(bus.committed(group, TOPIC)) == 5
    assert calls == [1, 2, 3, 3, 3, 3, 4, 5]
    assert counter(group, "duplicate") == 6, "events 1 and 2 came back three times"


async def test_run_keeps_going_through_a_database_outage(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("outage-run")
    event = envelope()
    await bus.publish(TOPIC, event.case_id, event.to_bytes())
    failures = 2

    async def handler(session: AsyncSession, env: EventEnvelope) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise TimeoutError("pool timeout")
        session.add(AuditRow(at=datetime.now(UTC), actor_id="consumer", action=env.type,
                             target=env.event_id, detail={}))

    consumer = EventConsumer(bus, [TOPIC], group, sessions, handler, attempts=1)
    await consumer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        for _ in range(200):
            if await processed(sessions, group):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        await consumer.stop()
    assert await processed(sessions, group) == {event.event_id}
    assert dlq_records(bus) == [] and failures == 0
