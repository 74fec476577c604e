"""The project's ``EventConsumer`` over a ``KafkaBus`` in the integration tests: its production
loop (manual commit, dedup on event id, dead-letter topic) with a handler that records, in the
consumer's own transaction, every event it applied; ``assert_applied_once`` checks what it
applied against the case history."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka.errors import KafkaError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.tables import AuditRow, ProcessedEventRow
from shared.events.consumer import EventConsumer
from shared.events.envelope import EventEnvelope, dead_letter_topic
from shared.events.kafka import KafkaBus
from shared.observability.metrics import EVENTS_CONSUMED
from tests.support.kafka_topics import committed_offsets, delete_topics, end_offsets, read_topic


def consumed(group: str, outcome: str) -> int:
    """EventConsumer's counter of ``outcome`` (applied, duplicate, dead_lettered) for a group."""
    return int(EVENTS_CONSUMED.labels(group, outcome)._value.get())


class RecordingHandler:
    """An EventConsumer handler that applies an event by writing an audit row (actor = the
    consumer group) in the consumer's transaction, the one that also records the event id as
    processed: a row exists exactly for each event the consumer applied and committed.
    ``fail`` maps event ids to the exception the handler raises for them (after its write, so
    the write must be rolled back)."""

    def __init__(self, group: str, fail: dict[str, type[Exception]] | None = None) -> None:
        self.group = group
        self.fail = fail or {}
        self.calls: list[str] = []
        """Event ids the handler ran for, in order (a failed transaction would still be here)."""

    async def __call__(self, session: AsyncSession, env: EventEnvelope) -> None:
        self.calls.append(env.event_id)
        session.add(AuditRow(at=datetime.now(UTC), actor_id=self.group, action=env.type,
                             target=env.event_id, detail={"case_id": env.case_id,
                                                          "seq": env.seq}))
        if env.event_id in self.fail:
            await session.flush()
            raise self.fail[env.event_id](f"cannot apply {env.event_id}")


@dataclass(frozen=True)
class AppliedEvent:
    event_id: str
    case_id: str
    seq: int
    type: str


async def applied_events(sessions: async_sessionmaker[AsyncSession], group: str
                         ) -> list[AppliedEvent]:
    """What the group's handler applied and committed, in the order it applied it."""
    async with sessions() as session:
        rows = (await session.execute(select(AuditRow.target, AuditRow.action, AuditRow.detail)
                                      .where(AuditRow.actor_id == group)
                                      .order_by(AuditRow.id))).all()
    return [AppliedEvent(target, str(detail["case_id"]), int(detail["seq"]), action)
            for target, action, detail in rows]


async def processed_ids(sessions: async_sessionmaker[AsyncSession], group: str) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(ProcessedEventRow.event_id)
                                          .where(ProcessedEventRow.consumer == group)))


@dataclass
class TestConsumer:
    """An EventConsumer of ``topic`` running its production loop (``run``) in a task."""

    __test__ = False  # not a pytest class
    bootstrap: str
    topic: str
    group: str
    sessions: async_sessionmaker[AsyncSession]
    consumer: EventConsumer
    handler: RecordingHandler
    task: asyncio.Task[None]

    async def applied(self) -> list[AppliedEvent]:
        return await applied_events(self.sessions, self.group)

    async def wait_caught_up(self, timeout_s: float) -> float:
        """Wait until the group committed the end of every partition of the topic, i.e. it
        handled every record the topic holds now; return how long that took."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        ends = {p: e for p, e in (await end_offsets(self.bootstrap, self.topic)).items() if e}
        while True:
            assert not self.task.done(), f"the consumer loop ended: {self.task!r}"
            committed = await committed_offsets(self.bootstrap, self.group, self.topic)
            if all(committed.get(p, 0) >= e for p, e in ends.items()):
                return loop.time() - started
            assert loop.time() - started < timeout_s, (
                f"consumer not caught up after {timeout_s}s: committed {committed}, end {ends}")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def event_consumer(bootstrap: str, topic: str,
                         sessions: async_sessionmaker[AsyncSession], label: str,
                         *, group: str | None = None,
                         fail: dict[str, type[Exception]] | None = None, attempts: int = 3,
                         keep_dead_letters: bool = False) -> AsyncIterator[TestConsumer]:
    """Start an EventConsumer (own KafkaBus, its own group unless ``group`` is given) on
    ``topic`` and run its loop until the block exits; its dead-letter topic is deleted
    afterwards unless ``keep_dead_letters``."""
    group = group or f"test-{label}-{uuid.uuid4().hex[:12]}"
    bus = KafkaBus(bootstrap, client_id=f"halo-consumer-{uuid.uuid4().hex[:6]}",
                   request_timeout_ms=3000)
    handler = RecordingHandler(group, fail)
    consumer = EventConsumer(bus, [topic], group, sessions, handler, attempts=attempts)
    stop = asyncio.Event()
    await consumer.start()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield TestConsumer(bootstrap, topic, group, sessions, consumer, handler, task)
    finally:
        stop.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(task, 30)
        with suppress(TimeoutError, KafkaError):
            await asyncio.wait_for(consumer.stop(), 30)
        with suppress(TimeoutError):
            await asyncio.wait_for(bus.stop(), 30)
        if not keep_dead_letters:
            await delete_topics(bootstrap, [dead_letter_topic(topic)])


async def assert_applied_once(tc: TestConsumer, history: dict[str, list[tuple[int, str]]],
                              event_ids: set[str]) -> list[AppliedEvent]:
    """The consumer applied every event of the history exactly once, each case's in seq order,
    nothing else, and recorded exactly those event ids as processed."""
    applied = await tc.applied()
    ids = [a.event_id for a in applied]
    assert len(ids) == len(set(ids)), "an event was applied twice"
    assert set(ids) == event_ids, (
        f"{len(event_ids - set(ids))} events never applied, {len(set(ids) - event_ids)} foreign")
    assert sorted(tc.handler.calls) == sorted(ids), "the handler ran for a duplicate"
    per_case: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for a in applied:
        per_case[a.case_id].append((a.seq, a.type))
    assert set(per_case) == set(history), "events of some case missing or foreign"
    for case_id, events in history.items():
        assert per_case[case_id] == events, f"case {case_id}: applied out of order or wrong"
    assert sorted(await processed_ids(tc.sessions, tc.group)) == sorted(event_ids)
    assert consumed(tc.group, "applied") == len(event_ids)
    assert consumed(tc.group, "dead_lettered") == 0
    assert await read_topic(tc.bootstrap, dead_letter_topic(tc.topic)) == [], "dead-lettered"
    return applied
