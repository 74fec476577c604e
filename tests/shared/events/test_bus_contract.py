"""The event-bus contract (shared/events/bus.py), run against both implementations.

``InProcessBus`` always runs; ``KafkaBus`` runs against the real broker of the integration tier
(``HALO_TEST_KAFKA``) and is skipped without it (a failure under ``make test``). Every test uses
its own topics and consumer groups (uuid suffix), so it can share a broker with other runs.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.events.bus import BusConsumer, EventBus, Record
from shared.events.kafka import KafkaBus
from shared.events.memory import InProcessBus, UnknownTopic

DRAIN_TIMEOUT_S = 30.0


@dataclass
class BusUnderTest:
    kind: str
    bus: EventBus
    bootstrap: str | None = None
    topics: list[str] = field(default_factory=list)

    def topic(self, label: str = "t") -> str:
        name = f"halo.contract.{label}.{uuid.uuid4().hex[:12]}"
        self.topics.append(name)
        return name

    @staticmethod
    def group(label: str = "g") -> str:
        return f"contract-{label}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=[
    pytest.param("memory", id="in-process"),
    pytest.param("kafka", id="kafka", marks=pytest.mark.integration),
])
def bus_kind(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    if request.param == "kafka":
        return "kafka", request.getfixturevalue("kafka_bootstrap")
    return "memory", None


@pytest.fixture
async def under_test(bus_kind: tuple[str, str | None]) -> AsyncIterator[BusUnderTest]:
    kind, bootstrap = bus_kind
    if kind == "kafka":
        assert bootstrap is not None
        # A short request timeout: a publish to a missing topic must fail fast.
        bus: EventBus = KafkaBus(bootstrap, client_id=f"contract-{uuid.uuid4().hex[:8]}",
                                 request_timeout_ms=3000)
    else:
        bus = InProcessBus()
    await bus.start()
    sut = BusUnderTest(kind, bus, bootstrap)
    try:
        yield sut
    finally:
        await bus.stop()
        if bootstrap is not None and sut.topics:
            await _delete_topics(bootstrap, sut.topics)


async def _delete_topics(bootstrap: str, topics: list[str]) -> None:
    """Best effort: keep the shared broker tidy."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        doomed = [t for t in topics if t in existing]
        if doomed:
            await admin.delete_topics(doomed)
    except KafkaError:
        pass
    finally:
        await admin.close()


async def drain(consumer: BusConsumer, expected: int, *, max_records: int = 200,
                timeout_s: float = DRAIN_TIMEOUT_S) -> list[Record]:
    """Poll until ``expected`` records arrived (or the deadline passed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    out: list[Record] = []
    while len(out) < expected and loop.time() < deadline:
        out += await consumer.poll(timeout_ms=500, max_records=max_records)
    return out


async def quiet(consumer: BusConsumer, polls: int = 3) -> list[Record]:
    """Whatever arrives in a few more polls (should be nothing once everything was read)."""
    out: list[Record] = []
    for _ in range(polls):
        out += await consumer.poll(timeout_ms=400)
    return out


async def first_records(consumer: BusConsumer, max_records: int,
                        timeout_s: float = DRAIN_TIMEOUT_S) -> list[Record]:
    """The first non-empty poll (a Kafka consumer first has to join its group)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        got = await consumer.poll(timeout_ms=500, max_records=max_records)
        if got:
            return got
    return []


def values(records: list[Record]) -> list[bytes]:
    return [r.value for r in records]


def by_key(records: list[Record]) -> dict[str | None, list[bytes]]:
    out: dict[str | None, list[bytes]] = defaultdict(list)
    for r in records:
        out[r.key].append(r.value)
    return out


def ident(records: list[Record]) -> list[tuple[str, int, int]]:
    return [(r.topic, r.partition, r.offset) for r in records]


async def publish_numbered(bus: EventBus, topic: str, n: int, key: Callable[[int], str]
                           ) -> list[bytes]:
    sent = [f"m{i:04d}".encode() for i in range(n)]
    await bus.publish_batch([(topic, key(i), v) for i, v in enumerate(sent)])
    return sent


async def started(bus: EventBus, topics: list[str], group: str) -> BusConsumer:
    consumer = bus.consumer(topics, group)
    await consumer.start()
    return consumer


# --------------------------------------------------------------------------------- topics --

async def test_ensure_topics_is_idempotent(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    first, second = under_test.topic("a"), under_test.topic("b")
    await bus.ensure_topics([first], partitions=3)
    await bus.ensure_topics([first], partitions=3)
    # Existing and new together; a different partition count never changes an existing topic.
    await bus.ensure_topics([first, second], partitions=5)
    await bus.ensure_topics([first, second])

    keys = [f"case-{i}" for i in range(60)]
    await bus.publish_batch([(first, k, k.encode()) for k in keys])
    await bus.publish(second, "only", b"x")
    consumer = await started(bus, [first, second], under_test.group())
    try:
        got = await drain(consumer, len(keys) + 1)
    finally:
        await consumer.stop()
    assert sorted(values([r for r in got if r.topic == first])) == sorted(k.encode() for k in keys)
    assert values([r for r in got if r.topic == second]) == [b"x"]
    assert {r.partition for r in got if r.topic == first} == {0, 1, 2}


async def test_publish_to_missing_topic_fails(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    missing = under_test.topic("missing")
    if under_test.kind == "memory":
        with pytest.raises(UnknownTopic):
            await bus.publish(missing, "k", b"v")
        with pytest.raises(UnknownTopic):
            await bus.publish_batch([(missing, "k", b"v")])
    else:
        # auto.create.topics.enable=false: the producer raises (unknown topic) or times out.
        with pytest.raises((KafkaError, TimeoutError)):
            await asyncio.wait_for(bus.publish(missing, "k", b"v"), 20)
    # The failed publish did not create the topic behind our back: a consumer sees nothing.
    await bus.ensure_topics([missing])
    consumer = await started(bus, [missing], under_test.group())
    try:
        await bus.publish(missing, "k", b"after")
        got = await drain(consumer, 1)
        got += await quiet(consumer, polls=2)
    finally:
        await consumer.stop()
    assert values(got) == [b"after"]


async def test_in_process_auto_create_is_opt_in() -> None:
    bus = InProcessBus(auto_create=True)
    await bus.publish("halo.contract.auto", "k", b"v")
    assert sum(bus.end_offsets("halo.contract.auto")) == 1


# ----------------------------------------------------------------------------- ordering --

async def test_order_per_key_is_kept_across_partitions(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("order")
    await bus.ensure_topics([topic], partitions=3)
    keys = [f"case-{i:02d}" for i in range(24)]
    rounds = 12
    # Interleaved: round r of every key before round r+1 of any key, one publish at a time.
    for r in range(rounds):
        for k in keys:
            await bus.publish(topic, k, f"{k}:{r:03d}".encode())
    consumer = await started(bus, [topic], under_test.group())
    try:
        got = await drain(consumer, len(keys) * rounds, max_records=50)
        got += await quiet(consumer, polls=2)
    finally:
        await consumer.stop()
    assert len(got) == len(keys) * rounds
    grouped = by_key(got)
    assert set(grouped) == set(keys)
    for k in keys:
        assert grouped[k] == [f"{k}:{r:03d}".encode() for r in range(rounds)], k
    partitions_of = defaultdict(set)
    for rec in got:
        partitions_of[rec.key].add(rec.partition)
    assert all(len(p) == 1 for p in partitions_of.values()), "a key moved partition"
    assert len({p for ps in partitions_of.values() for p in ps}) > 1, "keys not spread"
    # Offsets grow within each partition in the order records were read.
    last: dict[int, int] = {}
    for rec in got:
        assert rec.offset > last.get(rec.partition, -1)
        last[rec.partition] = rec.offset


async def test_publish_batch_keeps_order(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("batch")
    await bus.ensure_topics([topic], partitions=3)
    keys = [f"case-{i}" for i in range(10)]
    batch = [(topic, keys[i % len(keys)], f"{keys[i % len(keys)]}:{i // len(keys):03d}".encode())
             for i in range(400)]
    batch += [(topic, "solo", f"solo:{i:03d}".encode()) for i in range(100)]
    await bus.publish_batch(batch)
    consumer = await started(bus, [topic], under_test.group())
    try:
        got = await drain(consumer, len(batch))
        got += await quiet(consumer, polls=2)
    finally:
        await consumer.stop()
    assert len(got) == len(batch)
    expected = by_key([Record(t, 0, 0, k, v) for t, k, v in batch])
    assert by_key(got) == expected
    # Every record was acknowledged when publish_batch returned: an empty batch is fine too.
    await bus.publish_batch([])


# ------------------------------------------------------------------------ consumer groups --

async def test_a_group_reads_everything_once(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("once")
    await bus.ensure_topics([topic], partitions=3)
    sent = await publish_numbered(bus, topic, 150, key=lambda i: f"case-{i % 17}")
    consumer = await started(bus, [topic], under_test.group())
    try:
        got = await drain(consumer, len(sent), max_records=20)
        got += await quiet(consumer)
    finally:
        await consumer.stop()
    assert len(ident(got)) == len(set(ident(got))), "a record was delivered twice"
    assert sorted(values(got)) == sorted(sent)


async def test_uncommitted_records_are_read_again(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("redeliver")
    group = under_test.group()
    await bus.ensure_topics([topic], partitions=3)
    first = await publish_numbered(bus, topic, 30, key=lambda i: f"case-{i % 7}")

    consumer = await started(bus, [topic], group)
    try:
        got = await drain(consumer, len(first))
        assert sorted(values(got)) == sorted(first)
        await consumer.commit()
        second = [f"late{i:03d}".encode() for i in range(20)]
        await bus.publish_batch([(topic, f"case-{i % 7}", v) for i, v in enumerate(second)])
        got_second = await drain(consumer, len(second))
        assert sorted(values(got_second)) == sorted(second)
    finally:
        await consumer.stop()  # stops without committing the second batch

    again = await started(bus, [topic], group)
    try:
        reread = await drain(again, len(second))
        reread += await quiet(again)
    finally:
        await again.stop()
    # Exactly the uncommitted records, at the same offsets; nothing before the commit.
    assert sorted(ident(reread)) == sorted(ident(got_second))
    assert sorted(values(reread)) == sorted(second)


async def test_commit_persists_the_position(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("commit")
    group = under_test.group()
    await bus.ensure_topics([topic], partitions=3)
    sent = await publish_numbered(bus, topic, 40, key=lambda i: f"case-{i % 9}")

    consumer = await started(bus, [topic], group)
    try:
        got = await drain(consumer, len(sent))
        await consumer.commit()
    finally:
        await consumer.stop()
    assert sorted(values(got)) == sorted(sent)

    after = await started(bus, [topic], group)
    try:
        assert await quiet(after) == []
        assert await after.lag() == 0
        await bus.publish(topic, "case-1", b"new")
        fresh = await drain(after, 1)
        fresh += await quiet(after, polls=2)
    finally:
        await after.stop()
    assert values(fresh) == [b"new"]


async def test_a_second_group_reads_independently(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("groups")
    await bus.ensure_topics([topic], partitions=3)
    sent = await publish_numbered(bus, topic, 60, key=lambda i: f"case-{i % 11}")

    one = await started(bus, [topic], under_test.group("one"))
    try:
        got_one = await drain(one, len(sent))
        await one.commit()
    finally:
        await one.stop()

    two = await started(bus, [topic], under_test.group("two"))
    try:
        got_two = await drain(two, len(sent))
        got_two += await quiet(two)
    finally:
        await two.stop()
    assert sorted(values(got_one)) == sorted(sent)
    assert sorted(values(got_two)) == sorted(sent)
    assert sorted(ident(got_one)) == sorted(ident(got_two))


async def test_lag_reports_unread_records(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("lag")
    await bus.ensure_topics([topic], partitions=3)
    sent = await publish_numbered(bus, topic, 45, key=lambda i: f"case-{i % 13}")

    consumer = await started(bus, [topic], under_test.group())
    try:
        part = await first_records(consumer, max_records=5)
        assert 0 < len(part) <= 5
        assert await consumer.lag() == len(sent) - len(part)
        rest = await drain(consumer, len(sent) - len(part))
        assert await consumer.lag() == 0
        await bus.publish_batch([(topic, "case-x", b"a"), (topic, "case-y", b"b")])
        # Kafka learns new end offsets from its background fetches: allow it a moment.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        lag = await consumer.lag()
        while lag != 2 and loop.time() < deadline:
            await asyncio.sleep(0.2)
            lag = await consumer.lag()
        assert lag == 2
        tail = await drain(consumer, 2)
        assert await consumer.lag() == 0
    finally:
        await consumer.stop()
    assert sorted(values(part + rest)) == sorted(sent)
    assert sorted(values(tail)) == [b"a", b"b"]


async def test_headers_travel_with_the_record(under_test: BusUnderTest) -> None:
    bus = under_test.bus
    topic = under_test.topic("headers")
    await bus.ensure_topics([topic], partitions=1)
    await bus.publish(topic, "k", b"with", (("halo-dlq-reason", b"undecodable"),
                                            ("halo-dlq-source", b"t/0/7")))
    await bus.publish(topic, "k", b"without")
    consumer = bus.consumer([topic], under_test.group("headers"))
    await consumer.start()
    try:
        got = await drain(consumer, 2)
    finally:
        await consumer.stop()
    assert [(r.value, r.headers) for r in got] == [
        (b"with", (("halo-dlq-reason", b"undecodable"), ("halo-dlq-source", b"t/0/7"))),
        (b"without", ())]


async def test_seek_makes_the_next_poll_read_again(under_test: BusUnderTest) -> None:
    """A consumer whose handling failed rewinds and reads the same records again."""
    bus = under_test.bus
    topic = under_test.topic("seek")
    await bus.ensure_topics([topic], partitions=1)
    for i in range(5):
        await bus.publish(topic, "k", f"r{i}".encode())
    consumer = bus.consumer([topic], under_test.group("seek"))
    await consumer.start()
    try:
        first = await drain(consumer, 5)
        assert values(first) == [f"r{i}".encode() for i in range(5)]
        consumer.seek(topic, 0, first[2].offset)
        again = await drain(consumer, 3)
        assert values(again) == [b"r2", b"r3", b"r4"]
        assert await quiet(consumer) == []
    finally:
        await consumer.stop()
