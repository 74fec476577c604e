"""Driving the dukcapil service against real PostgreSQL and Kafka in the integration tests.

``dukcapil_service`` runs the service in-process with a ``KafkaBus`` and points its outbox at a
topic of its own (the service topic plus a uuid suffix, deleted afterwards), so a test reads
exactly what it produced even when other runs share the broker. ``Dukcapil`` opens cases and
walks them through the KIA SOP over the HTTP API; the rest reads the topic and the database
back and checks delivery against the case history (key, partition, order, duplicates).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from sqlalchemy import func, select

from services.dukcapil.app import create_app
from shared.db.tables import HistoryRow, OutboxRow
from shared.events.envelope import EventEnvelope, case_topic
from shared.events.kafka import KafkaBus
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
        for _ in range(100):
            if consumer.assignment():
                break
            await asyncio.sleep(0.1)
        tps = sorted(consumer.assignment())
        assert tps, f"no partitions of {topic}"
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
    raw: int
    distinct: int
    duplicates: int
    per_case: dict[str, list[tuple[int, str]]]
    """Per case, (seq, type) in delivery order, repeats of an event id dropped (as the
    EventConsumer's processed-event table would)."""


def check_delivery(records: list[tuple[str | None, int, bytes]]) -> Delivery:
    first_copy: dict[str, bytes] = {}
    partition_of: dict[str, int] = {}
    per_case: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for key, partition, value in records:
        env = EventEnvelope.from_bytes(value)
        assert key == env.case_id, "the record key is the case id"
        assert partition_of.setdefault(env.case_id, partition) == partition, (
            "a case's events moved partition")
        if env.event_id in first_copy:
            # A redelivery: the very same event (same id, same bytes), dropped by consumers.
            assert first_copy[env.event_id] == value, f"event id {env.event_id} reused"
            continue
        first_copy[env.event_id] = value
        per_case[env.case_id].append((env.seq, env.type))
    return Delivery(raw=len(records), distinct=len(first_copy),
                    duplicates=len(records) - len(first_copy), per_case=dict(per_case))


def assert_matches_history(delivery: Delivery, history: dict[str, list[tuple[int, str]]]
                           ) -> None:
    assert set(delivery.per_case) == set(history), "events of some case missing or foreign"
    for case_id, events in history.items():
        seqs = [s for s, _ in delivery.per_case[case_id]]
        assert seqs == list(range(1, len(events) + 1)), f"case {case_id}: seq out of order {seqs}"
        assert delivery.per_case[case_id] == events, f"case {case_id}: events differ from history"


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
