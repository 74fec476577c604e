"""Reading Kafka topics and consumer groups as they physically are, for the integration
tests: every record with its key and partition (raw, duplicates kept), partition ends, a
group's committed offsets; and deleting the topics a test made."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError


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
