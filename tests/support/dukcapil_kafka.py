"""Driving the dukcapil service against real PostgreSQL and Kafka in the integration tests.

``dukcapil_service`` runs the service in-process with a ``KafkaBus`` and points its outbox at a
topic of its own (the service topic plus a uuid suffix, deleted afterwards), so a test reads
exactly what it produced even when other runs share the broker. ``Dukcapil`` opens cases and
walks them through the KIA SOP over the HTTP API; ``check_delivery`` judges what is physically
on the topic (read with :func:`tests.support.kafka_topics.read_topic`). The consumer side is in
:mod:`tests.support.kafka_consumer`.
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
from sqlalchemy import func, select

from services.dukcapil.app import create_app
from shared.db.tables import HistoryRow, OutboxRow
from shared.events.envelope import EventEnvelope, case_topic
from shared.events.kafka import KafkaBus
from shared.web.runtime import ServiceRuntime
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kafka_topics import delete_topics
from tests.support.tokens import TestTokens

SOP = "dukcapil-kia-0-5-tahun"
SERVICE_TOPIC = case_topic("dukcapil")
FORM = {"nik_anak": "1801011705230001", "nama_anak": "Anak Uji", "tanggal_lahir_anak":
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
            await self.act(case_id, citizen, "lengkapi", None,
                           comment="Berkas sudah dilengkapi")
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
