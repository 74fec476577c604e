"""The event bus interface. Two implementations pass the same contract tests:
:class:`shared.events.memory.InProcessBus` (all-in-one) and
:class:`shared.events.kafka.KafkaBus` (distributed).

A bus publishes keyed records (awaiting the broker's acknowledgement) and hands out
consumers that belong to a group, read records in order per key, and commit offsets only
when told to (after handling).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: Headers = field(default=())


class BusConsumer(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def poll(self, timeout_ms: int = 500, max_records: int = 200) -> list[Record]:
        """Records after the group's position (empty on timeout)."""
        ...

    async def commit(self) -> None:
        """Commit the position of everything returned by ``poll`` so far."""
        ...

    def seek(self, topic: str, partition: int, offset: int) -> None:
        """Make the next ``poll`` of this partition start again at ``offset``."""
        ...

    async def lag(self) -> int:
        """How many records of the subscribed partitions are not yet polled."""
        ...


class EventBus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ensure_topics(self, topics: list[str], partitions: int = 3) -> None: ...

    async def publish(self, topic: str, key: str, value: bytes, headers: Headers = ()) -> None:
        """Publish and wait for the acknowledgement; raise if it cannot be delivered."""
        ...

    async def publish_batch(self, records: list[tuple[str, str, bytes]]) -> None:
        """Publish ``(topic, key, value)`` records in order; return when all are acknowledged."""
        ...

    def consumer(self, topics: list[str], group: str) -> BusConsumer: ...
