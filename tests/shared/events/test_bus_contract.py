"""The event-bus contract (shared/events/bus.py), run against both implementations: topics
and ordering. Consumer groups, offsets and headers: ``test_bus_consumer_groups.py``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from aiokafka.errors import KafkaError

from shared.events.bus import Record
from shared.events.memory import InProcessBus, UnknownTopic
from tests.shared.events.bus_harness import (
    BusUnderTest,
    by_key,
    drain,
    quiet,
    started,
    values,
)

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
