"""Driving the dukcapil service against real PostgreSQL and Kafka in the integration tests.

``dukcapil_service`` runs the service in-process with a ``KafkaBus`` and points its outbox at a
topic of its own (the service topic plus a uuid suffix, deleted afterwards), so a test reads
exactly what it produced even when other runs share the broker. ``Dukcapil`` opens cases and
walks them through the KIA SOP over the HTTP API. ``event_consumer`` runs the project's
``EventConsumer`` over a ``KafkaBus`` on that topic (its production loop, manual commit, dedup
on event id, dead-letter topic) with a handler that records, in the consumer's own
transaction, every event it applied; ``assert_applied_once`` checks what it applied against
the case history. ``read_topic``/``check_delivery`` read what is physically on the topic
(keys, partitions, raw duplicates), no de-duplication of their own.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.dukcapil.app import create_app
from shared.db.tables import AuditRow, HistoryRow, OutboxRow, ProcessedEventRow
from shared.events.consumer import EventConsumer
from shared.events.envelope import EventEnvelope, case_topic, dead_letter_topic
from shared.events.kafka import KafkaBus
from shared.observability.metrics import EVENTS_CONSUMED
from shared.web.runtime import ServiceRuntime
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

SOP = "dukcapil-kia-0-5-tahun"
SERVICE_TOPIC = case_topic("dukcapil")
FORM = {"nik_anak": "1801010101010001", "nama_anak": "Anak Uji", "tanggal_lahir_anak":
        "2023-05-17", "nomor_kk": "1801010101010002", "pengambilan": "unduh_halo_lamsel"}


@dataclass
class Dukcapil:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    tokens: TestTokens
    topic: str
    officers: dict[str, dict[str, str]] = field(default_factory=dict)

    def officer(self, role: str) -> dict[str, str]:
        if role not in self.officers:
            self.officers[role] = self.tokens.headers(f"petugas-{role}",
                                                      f"disdukcapil:{role}")
        return self.officers[role]

    async def open_case(self, citizen: dict[str, str]) -> str:
        response = await self.client.post(
            "/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": SOP, "form": FORM})},
            files={"berkas_persyaratan": ("berkas.pdf", b"%PDF-1.4 uji\n", "application/pdf")})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def act(self, case_id: str, headers: dict[str, str], action: str, step: str | None,
                  comment: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action, "step": step}
        if comment:
            body["comment"] = comment
        response = await self.client.post(f"/cases/{case_id}/actions", headers=headers,
                                          json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def walk(self, citizen: dict[str, str], case_id: str, returns: int,
                   *, intake: bool = True, finish: bool = True) -> None:
        """The first officer step (``intake``), ``returns`` return/resubmit rounds at the file
        check, then (``finish``) the remaining steps to completion."""
        if intake:
            await self.act(case_id, self.officer("operator"), "teruskan",
                           "verifikasi_permohonan")
        for r in range(returns):
            await self.act(case_id, self.officer("operator"), "tidak_lengkap",
                           "verifikasi_berkas", comment=f"berkas kurang ({r + 1})")
            await self.act(case_id, citizen, "lengkapi", None)
        if not finish:
            return
        await self.act(case_id, self.officer("operator"), "lengkap", "verifikasi_berkas")
        await self.act(case_id, self.officer("kabid"), "sampaikan_ke_kadis", "verifikasi_siak")
        await self.act(case_id, self.officer("kepala_dinas"), "tte", "tte_kadis")
        done = await self.act(case_id, self.officer("operator"), "serahkan", "penyerahan")
        assert done["status"] == "completed"


@asynccontextmanager
async def dukcapil_service(url: str, tmp_path: Path, bootstrap: str, bus: KafkaBus
                           ) -> AsyncIterator[Dukcapil]:
    tokens = TestTokens()
    app = create_app(service_settings("dukcapil", url, tmp_path), wiring(tokens, bus=bus))
    try:
        async with running(app) as client:
            runtime = runtime_of(app)
            assert runtime.settings.workers is False
            # The service publishes to its topic; this test reads its own copy of it.
            assert runtime.store.topic == SERVICE_TOPIC
            topic = f"{SERVICE_TOPIC}.t{uuid.uuid4().hex[:12]}"
            await bus.ensure_topics([topic])
            runtime.store.topic = topic
            service = Dukcapil(client, runtime, tokens, topic)
            try:
                yield service
            finally:
                await delete_topics(bootstrap, [topic])
    finally:
        # A bus handed in through Wiring is not stopped by the lifespan. The producer's stop
        # flushes what it still holds: bounded, in case the broker is gone.
        with suppress(TimeoutError):
            await asyncio.wait_for(bus.stop(), 30)


async def delete_topics(bootstrap: str, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    with suppress(KafkaError, OSError):
        await admin.start()
        await admin.delete_topics(topics)
    with suppress(KafkaError, OSError):
        await admin.close()


async def read_topic(bootstrap: str, topic: str, timeout_s: float = 60) -> list[tuple[str | None,
                                                                                      int, bytes]]:
    """Every record of ``topic``, from the beginning to the current end: (key, partition, value)
    in the order each partition holds them. Raw: duplicates are kept."""
    # No group: the consumer takes every partition of the topic, from the earliest offset.
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    out: list[tuple[str | None, int, bytes]] = []
    try:
        tps = await _assigned(consumer, topic)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            assert loop.time() < deadline, "timed out reading the topic"
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for tp, messages in batches.items():
                out += [(m.key.decode() if m.key else None, tp.partition, m.value or b"")
                        for m in messages]
    finally:
        await consumer.stop()
    return out


async def db_counts(runtime: ServiceRuntime) -> tuple[int, int, int]:
    """(history rows, outbox rows, unsent outbox rows)."""
    async with runtime.sessions() as session:
        history = await session.scalar(select(func.count()).select_from(HistoryRow))
        outbox = await session.scalar(select(func.count()).select_from(OutboxRow))
        unsent = await session.scalar(select(func.count()).select_from(OutboxRow)
                                      .where(OutboxRow.sent_at.is_(None)))
    return int(history or 0), int(outbox or 0), int(unsent or 0)


async def db_history(runtime: ServiceRuntime) -> dict[str, list[tuple[int, str]]]:
    async with runtime.sessions() as session:
        rows = (await session.execute(select(HistoryRow.case_id, HistoryRow.seq, HistoryRow.event)
                                      .order_by(HistoryRow.case_id, HistoryRow.seq))).all()
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for case_id, seq, event in rows:
        out[case_id].append((seq, event))
    return out


async def db_event_ids(runtime: ServiceRuntime) -> set[str]:
    async with runtime.sessions() as session:
        return set(await session.scalars(select(OutboxRow.event_id)))


@dataclass
class Delivery:
    """What is physically on the topic (no de-duplication): record counts, and the events'
    ids with how many copies of each the topic holds."""

    raw: int
    distinct: int
    duplicates: int
    copies: dict[str, int]


def check_delivery(records: list[tuple[str | None, int, bytes]]) -> Delivery:
    """Every record is an envelope keyed by its case id, a case's records share one partition,
    and a repeated event id is a byte-identical copy (a redelivery, never a reused id)."""
    first_copy: dict[str, bytes] = {}
    copies: dict[str, int] = defaultdict(int)
    partition_of: dict[str, int] = {}
    for key, partition, value in records:
        env = EventEnvelope.from_bytes(value)
        assert key == env.case_id, "the record key is the case id"
        assert partition_of.setdefault(env.case_id, partition) == partition, (
            "a case's events moved partition")
        assert first_copy.setdefault(env.event_id, value) == value, (
            f"event id {env.event_id} reused for another event")
        copies[env.event_id] += 1
    return Delivery(raw=len(records), distinct=len(first_copy),
                    duplicates=len(records) - len(first_copy), copies=dict(copies))


# ----------------------------------------------------------- the EventConsumer side --

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


async def _assigned(consumer: AIOKafkaConsumer, topic: str) -> list[Any]:
    """The partitions a group-less consumer of ``topic`` was given (waits up to 10 s)."""
    for _ in range(100):
        if consumer.assignment():
            break
        await asyncio.sleep(0.1)
    tps = sorted(consumer.assignment())
    assert tps, f"no partitions of {topic}"
    return tps


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """The end (next offset) of each partition of ``topic``."""
    # No group: the consumer is assigned every partition of the topic.
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await _assigned(consumer, topic)
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {tp.partition: offset for tp, offset in ends.items()}


async def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """The offsets ``group`` committed on ``topic`` (partitions never committed are absent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items()
            if tp.topic == topic and meta.offset >= 0}


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


async def relay_until_drained(runtime: ServiceRuntime, timeout_s: float) -> int:
    """Run the relay (tolerating failures while the producer reconnects) until the backlog is 0;
    return how many publish attempts failed on the way."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    failures = 0
    while await runtime.relay.backlog() > 0:
        assert loop.time() < deadline, "the outbox did not drain"
        try:
            # Bounded: KafkaBus.publish_batch does not time out while the broker is unreachable.
            await asyncio.wait_for(runtime.relay.run_once(), 20)
        except Exception:
            failures += 1
            await asyncio.sleep(0.5)
    return failures


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n[outbox-kafka] {line}")
