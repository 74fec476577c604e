"""The in-process event bus for all-in-one mode: the same interface as Kafka.

Each topic is a set of partitions (append-only lists); a key always maps to the same
partition, so one case's events stay in order. Consumer groups keep committed offsets; a
consumer that stops without committing re-reads from the last commit, as with Kafka.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import defaultdict

from shared.events.bus import Headers, Record


class UnknownTopic(LookupError):
    pass


class InProcessBus:
    def __init__(self, auto_create: bool = False) -> None:
        self._logs: dict[str, list[list[Record]]] = {}
        self._committed: dict[tuple[str, str, int], int] = defaultdict(int)
        self._changed = asyncio.Event()
        self._auto_create = auto_create

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def ensure_topics(self, topics: list[str], partitions: int = 3) -> None:
        for topic in topics:
            self._logs.setdefault(topic, [[] for _ in range(partitions)])

    def _partition(self, topic: str, key: str) -> int:
        return zlib.crc32(key.encode()) % len(self._logs[topic])

    async def publish_batch(self, records: list[tuple[str, str, bytes]]) -> None:
        for topic, key, value in records:
            await self.publish(topic, key, value)

    async def publish(self, topic: str, key: str, value: bytes, headers: Headers = ()) -> None:
        if topic not in self._logs:
            if not self._auto_create:
                raise UnknownTopic(topic)
            await self.ensure_topics([topic])
        part = self._partition(topic, key)
        log = self._logs[topic][part]
        log.append(Record(topic, part, len(log), key, value, tuple(headers)))
        self._changed.set()

    def consumer(self, topics: list[str], group: str) -> InProcessConsumer:
        return InProcessConsumer(self, topics, group)

    def end_offsets(self, topic: str) -> list[int]:
        return [len(p) for p in self._logs.get(topic, [])]

    def committed(self, group: str, topic: str) -> list[int]:
        return [self._committed[(group, topic, i)] for i in range(len(self._logs.get(topic, [])))]


class InProcessConsumer:
    def __init__(self, bus: InProcessBus, topics: list[str], group: str) -> None:
        self._bus = bus
        self._topics = topics
        self._group = group
        self._position: dict[tuple[str, int], int] = {}

    async def start(self) -> None:
        self._position.clear()

    async def stop(self) -> None:
        self._position.clear()

    def _pos(self, topic: str, part: int) -> int:
        key = (topic, part)
        if key not in self._position:
            self._position[key] = self._bus._committed[(self._group, topic, part)]
        return self._position[key]

    def _take(self, max_records: int) -> list[Record]:
        out: list[Record] = []
        for topic in self._topics:
            for part, log in enumerate(self._bus._logs.get(topic, [])):
                pos = self._pos(topic, part)
                batch = log[pos:pos + max_records - len(out)]
                if batch:
                    out += batch
                    self._position[(topic, part)] = pos + len(batch)
                if len(out) >= max_records:
                    return out
        return out

    async def poll(self, timeout_ms: int = 500, max_records: int = 200) -> list[Record]:
        records = self._take(max_records)
        if records:
            return records
        self._bus._changed.clear()
        try:
            await asyncio.wait_for(self._bus._changed.wait(), timeout_ms / 1000)
        except TimeoutError:
            return []
        return self._take(max_records)

    def seek(self, topic: str, partition: int, offset: int) -> None:
        self._position[(topic, partition)] = offset

    async def commit(self) -> None:
        for (topic, part), pos in self._position.items():
            self._bus._committed[(self._group, topic, part)] = pos

    async def lag(self) -> int:
        return sum(len(log) - self._pos(topic, part)
                   for topic in self._topics
                   for part, log in enumerate(self._bus._logs.get(topic, [])))
