"""What the event-bus contract tests share: the bus under test (its own topics and groups,
uuid-suffixed, so runs can share a broker), and polling helpers that wait for a Kafka
consumer to join its group."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.events.bus import BusConsumer, EventBus, Record

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


async def delete_topics(bootstrap: str, topics: list[str]) -> None:
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
