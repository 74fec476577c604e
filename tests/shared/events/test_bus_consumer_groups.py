"""The event-bus contract, continued: consumer groups, commits, lag, headers and seek, on
both implementations (fixtures in ``conftest.py``)."""

from __future__ import annotations

import asyncio

from tests.shared.events.bus_harness import (
    BusUnderTest,
    drain,
    first_records,
    ident,
    publish_numbered,
    quiet,
    started,
    values,
)

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
