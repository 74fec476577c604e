"""The Kafka event bus (distributed mode), on aiokafka.

The producer is idempotent (``enable_idempotence=True``, which forces ``acks=all``), so a
retried send never duplicates within a producer session. Consumers commit manually and
start from the earliest offset, so nothing is missed. Topics are created explicitly; the
broker runs with ``auto.create.topics.enable=false``, with the replication factor and
``min.insync.replicas`` of :class:`~shared.events.kafka_settings.KafkaSettings`; its security
options (TLS, SASL) reach every client.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaTimeoutError

from shared.events.bus import Headers, Record
from shared.events.kafka_settings import KafkaSettings

_TOPIC_ALREADY_EXISTS = 36


class KafkaBus:
    def __init__(self, bootstrap: str, client_id: str = "halo-lamsel",
                 request_timeout_ms: int = 10_000, settings: KafkaSettings | None = None
                 ) -> None:
        self._bootstrap = bootstrap
        self.settings = settings or KafkaSettings()
        self._client_id = client_id
        self._timeout = request_timeout_ms
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        if self._producer is None:
            producer = self.make_producer()
            await producer.start()
            self._producer = producer

    def make_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap, client_id=self._client_id,
            enable_idempotence=True, linger_ms=2,
            request_timeout_ms=self._timeout, **self.settings.client_options(),
        )

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    def admin(self) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(bootstrap_servers=self._bootstrap,
                                   client_id=f"{self._client_id}-admin",
                                   request_timeout_ms=self._timeout,
                                   **self.settings.client_options())

    def new_topics(self, topics: list[str], partitions: int) -> list[NewTopic]:
        return [NewTopic(name=t, num_partitions=partitions,
                         replication_factor=self.settings.replication_factor,
                         topic_configs=self.settings.topic_configs()) for t in topics]

    async def ensure_topics(self, topics: list[str], partitions: int = 3) -> None:
        admin = self.admin()
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if not missing:
                return
            response = await admin.create_topics(self.new_topics(missing, partitions))
            for topic, code, *_ in getattr(response, "topic_errors", []):
                if code not in (0, _TOPIC_ALREADY_EXISTS):
                    raise RuntimeError(f"creating topic {topic} failed with error {code}")
        finally:
            await admin.close()

    async def publish(self, topic: str, key: str, value: bytes, headers: Headers = ()) -> None:
        await self._send([(topic, key, value, headers)])

    async def publish_batch(self, records: list[tuple[str, str, bytes]]) -> None:
        await self._send([(topic, key, value, ()) for topic, key, value in records])

    async def _send(self, records: list[tuple[str, str, bytes, Headers]]) -> None:
        """Send in order and wait for every acknowledgement, at most the request timeout.

        With idempotence on, the producer never expires a batch by itself: while the broker
        is down a send would wait for ever. Bounding the wait lets the relay count the failure
        and retry; records still queued may be delivered later as well, as duplicates with the
        same event id, which consumers drop.
        """
        if not records:
            return
        if self._producer is None:
            await self.start()
        assert self._producer is not None
        producer = self._producer
        limit = self._timeout / 1000

        async def enqueue() -> list[asyncio.Future[object]]:
            return [await producer.send(topic, value=value, key=key.encode(),
                                        headers=list(headers) or None)
                    for topic, key, value, headers in records]

        try:
            futures = await asyncio.wait_for(enqueue(), limit)
        except TimeoutError as exc:
            raise KafkaTimeoutError("broker did not accept the batch in time") from exc
        for future in futures:
            future.add_done_callback(_retrieve)
        _, pending = await asyncio.wait(futures, timeout=limit)
        if pending:
            raise KafkaTimeoutError(f"{len(pending)} records not acknowledged in time")
        for future in futures:
            future.result()

    def consumer(self, topics: list[str], group: str) -> KafkaConsumer:
        return KafkaConsumer(self._bootstrap, topics, group, self._client_id, self.settings)


def _retrieve(future: asyncio.Future[object]) -> None:
    """Mark a send's outcome as seen (a late failure is expected after a timeout)."""
    if not future.cancelled():
        future.exception()


class KafkaConsumer:
    def __init__(self, bootstrap: str, topics: list[str], group: str, client_id: str,
                 settings: KafkaSettings | None = None) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics, bootstrap_servers=bootstrap, group_id=group,
            client_id=f"{client_id}-{group}", enable_auto_commit=False,
            auto_offset_reset="earliest", isolation_level="read_committed",
            **(settings or KafkaSettings()).client_options(),
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def poll(self, timeout_ms: int = 500, max_records: int = 200) -> list[Record]:
        batches = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
        out: list[Record] = []
        for tp, messages in batches.items():
            for m in messages:
                out.append(Record(tp.topic, tp.partition, m.offset,
                                  m.key.decode() if m.key else None, m.value or b"",
                                  tuple(m.headers or ())))
        return out

    async def commit(self) -> None:
        await self._consumer.commit()

    def seek(self, topic: str, partition: int, offset: int) -> None:
        self._consumer.seek(TopicPartition(topic, partition), offset)

    async def lag(self) -> int:
        """Records behind the end of the assigned partitions (for the lag gauge)."""
        total = 0
        for tp in self._consumer.assignment():
            end = self._consumer.highwater(tp)
            if end is not None:
                total += max(0, end - await self._consumer.position(tp))
        return total
