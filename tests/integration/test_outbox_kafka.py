"""Outbox -> relay -> real Kafka, end to end through the dukcapil service's HTTP API.

Real PostgreSQL (a fresh database per test) and the real broker of the integration tier.
Each test sends its case events to its own topic (the service topic plus a uuid suffix), so it
reads exactly what it produced even when other runs share the broker.

The outage test stops and restarts the broker with ``deploy/local/kafka.sh`` (``KAFKA_DATA``
from the environment, default ``<repo>/var/test-kafka``, as ``make test`` uses); the broker is
running again when the test ends, pass or fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections import Counter, defaultdict
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

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# The script that starts/stops the broker at HALO_TEST_KAFKA (overridable for a broker on
# other ports; it must accept the same start/stop/status commands and KAFKA_DATA).
KAFKA_SH = Path(os.environ.get("HALO_TEST_KAFKA_SH") or REPO / "deploy" / "local" / "kafka.sh")
SOP = "dukcapil-kia-0-5-tahun"
SERVICE_TOPIC = case_topic("dukcapil")
FORM = {"nik_anak": "1801010101010001", "nama_anak": "Anak Uji", "tanggal_lahir_anak":
        "2023-05-17", "nomor_kk": "1801010101010002", "pengambilan": "unduh_halo_lamsel"}


# ------------------------------------------------------------------------------ helpers --

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
                await _delete_topics(bootstrap, [topic])
    finally:
        # A bus handed in through Wiring is not stopped by the lifespan. The producer's stop
        # flushes what it still holds: bounded, in case the broker is gone.
        with suppress(TimeoutError):
            await asyncio.wait_for(bus.stop(), 30)


async def _delete_topics(bootstrap: str, topics: list[str]) -> None:
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


# ---------------------------------------------------------------------- 1,000 transitions --

async def test_thousand_transitions_reach_kafka_in_order_once(
        fresh_pg_url: str, kafka_bootstrap: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-dukcapil-{uuid.uuid4().hex[:6]}")
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with dukcapil_service(fresh_pg_url, tmp_path, kafka_bootstrap, bus) as svc:
        stop = asyncio.Event()
        relay = asyncio.create_task(svc.runtime.relay.run(stop))
        gate = asyncio.Semaphore(10)

        async def one_case(i: int) -> None:
            citizen = svc.tokens.headers(f"warga-{i:03d}", "citizen")
            async with gate:
                case_id = await svc.open_case(citizen)
                # 20 entries per case (6 + 2 * 7 returns), every third case two more.
                await svc.walk(citizen, case_id, returns=7 + (i % 3 == 0))

        try:
            async with asyncio.timeout(120):
                await asyncio.gather(*(one_case(i) for i in range(50)))
            walked = loop.time()
            # The running relay drains the outbox (no second relay: one publisher at a time).
            async with asyncio.timeout(60):
                while await svc.runtime.relay.backlog() > 0:
                    assert not relay.done(), relay
                    await asyncio.sleep(0.1)
        finally:
            stop.set()
            try:
                await asyncio.wait_for(relay, 30)
            except TimeoutError:
                pytest.fail("the relay did not stop (stuck in a publish?)")
        history_rows, outbox_rows, unsent = await db_counts(svc.runtime)
        assert history_rows >= 1000
        assert outbox_rows == history_rows
        assert unsent == 0

        records = await read_topic(kafka_bootstrap, svc.topic)
        delivery = check_delivery(records)
        history = await db_history(svc.runtime)
        assert len(history) == 50
        assert delivery.distinct == history_rows, "events lost"
        assert delivery.raw == history_rows, f"{delivery.duplicates} duplicate deliveries"
        assert {EventEnvelope.from_bytes(v).event_id for _, _, v in records} == \
            await db_event_ids(svc.runtime)
        assert_matches_history(delivery, history)
        types = Counter(t for events in history.values() for _, t in events)
        assert types["case.completed"] == 50 and types["case.returned"] == \
            types["case.resubmitted"] >= 350
        report(capsys, f"{history_rows} transitions over 50 cases: API {walked - started:.1f}s, "
                       f"total {loop.time() - started:.1f}s; Kafka records {delivery.raw}, "
                       f"distinct {delivery.distinct}, duplicates {delivery.duplicates}")


# ------------------------------------------------------------------------ broker outage --

def _kafka_env() -> dict[str, str]:
    env = dict(os.environ)
    env["KAFKA_DATA"] = os.environ.get("KAFKA_DATA") or str(REPO / "var" / "test-kafka")
    env.pop("KAFKA_FRESH", None)  # never wipe the broker's data on restart
    return env


async def kafka_sh(command: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        str(KAFKA_SH), command, env=_kafka_env(), cwd=str(REPO),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


def _cannot_control(reason: str) -> None:
    if os.environ.get("HALO_TEST_REQUIRE_INTEGRATION") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


async def require_broker_control(kafka_bootstrap: str) -> None:
    code, out = await kafka_sh("status")
    if code != 0 or kafka_bootstrap.replace("localhost", "127.0.0.1") not in out:
        _cannot_control(f"{KAFKA_SH} cannot control the broker at {kafka_bootstrap} under "
                        f"KAFKA_DATA={_kafka_env()['KAFKA_DATA']} (set KAFKA_DATA to the data "
                        f"folder of the running broker): {out.strip()}")


@dataclass
class Outage:
    stopped_in: float = 0.0
    restarted_in: float = 0.0
    down: bool = False

    async def end(self) -> None:
        """Start the broker again (same data folder, not fresh)."""
        t0 = asyncio.get_running_loop().time()
        code, out = await kafka_sh("start")
        assert code == 0, f"could not restart the broker: {out}"
        self.down = False
        self.restarted_in = asyncio.get_running_loop().time() - t0


@asynccontextmanager
async def broker_outage() -> AsyncIterator[Outage]:
    """Stop the broker; it runs again when the block exits, whatever happened inside."""
    outage = Outage(down=True)
    t0 = asyncio.get_running_loop().time()
    try:
        code, out = await kafka_sh("stop")
        assert code == 0, out
        outage.stopped_in = asyncio.get_running_loop().time() - t0
        yield outage
    finally:
        if outage.down or (await kafka_sh("status"))[0] != 0:
            await outage.end()


async def test_broker_outage_delays_events_never_loses_them(
        fresh_pg_url: str, kafka_bootstrap: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    await require_broker_control(kafka_bootstrap)
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-dukcapil-{uuid.uuid4().hex[:6]}",
                   request_timeout_ms=3000)
    loop = asyncio.get_running_loop()
    async with dukcapil_service(fresh_pg_url, tmp_path, kafka_bootstrap, bus) as svc:
        citizens = [svc.tokens.headers(f"warga-{i:03d}", "citizen") for i in range(10)]
        async with asyncio.timeout(60):
            cases = [await svc.open_case(c) for c in citizens]
            for citizen, case_id in zip(citizens, cases, strict=True):
                await svc.walk(citizen, case_id, returns=1, finish=False)
        before_outage, _, _ = await db_counts(svc.runtime)
        assert await relay_until_drained(svc.runtime, timeout_s=30) == 0

        async with broker_outage() as outage:
            # The service keeps working: every transition answers 200 and lands in the outbox.
            async with asyncio.timeout(60):
                for citizen, case_id in zip(citizens, cases, strict=True):
                    await svc.walk(citizen, case_id, returns=2, intake=False)
            history_rows, outbox_rows, unsent = await db_counts(svc.runtime)
            assert outbox_rows == history_rows
            assert unsent == history_rows - before_outage > 0, "the outbox holds the backlog"

            # The relay cannot publish: run_once raises, or never gets an acknowledgement
            # (KafkaBus does not time out by itself: cut off after 10 s). Nothing marked sent.
            t0 = loop.time()
            try:
                published = await asyncio.wait_for(svc.runtime.relay.run_once(), 10)
            except TimeoutError:
                relay_outcome = "no answer, cut off"
            except Exception as exc:
                relay_outcome = f"raised {type(exc).__name__}"
            else:
                pytest.fail(f"run_once published {published} rows with the broker down")
            relay_outcome += f" after {loop.time() - t0:.1f}s"
            assert (await db_counts(svc.runtime))[2] == unsent, "rows marked sent while down"

            await outage.end()
            t1 = loop.time()
            failures = await relay_until_drained(svc.runtime, timeout_s=90)
            drained_in = loop.time() - t1

        history_rows, outbox_rows, unsent = await db_counts(svc.runtime)
        assert unsent == 0
        records = await read_topic(kafka_bootstrap, svc.topic)
        delivery = check_delivery(records)  # duplicates must be byte-identical redeliveries
        assert delivery.distinct == history_rows, "events lost in the outage"
        assert {EventEnvelope.from_bytes(v).event_id for _, _, v in records} == \
            await db_event_ids(svc.runtime)
        assert_matches_history(delivery, await db_history(svc.runtime))
        report(capsys, f"outage: {history_rows} events, {history_rows - before_outage} written "
                       f"while the broker was down; broker stop {outage.stopped_in:.1f}s, "
                       f"run_once while down: {relay_outcome}; restart "
                       f"{outage.restarted_in:.1f}s, drained in {drained_in:.1f}s "
                       f"({failures} failed attempts after restart); Kafka records raw "
                       f"{delivery.raw}, distinct {delivery.distinct}, raw duplicates "
                       f"{delivery.duplicates} (same event ids, dropped by EventConsumer)")


async def test_publish_raises_while_the_broker_is_down(kafka_bootstrap: str) -> None:
    await require_broker_control(kafka_bootstrap)
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-outage-{uuid.uuid4().hex[:6]}",
                   request_timeout_ms=3000)
    await bus.start()
    topic = f"{SERVICE_TOPIC}.t{uuid.uuid4().hex[:12]}"
    try:
        await bus.ensure_topics([topic])
        await bus.publish(topic, "case-1", b"before")
        async with broker_outage():
            # The bus contract: raise if it cannot be delivered (3 s request timeout).
            with pytest.raises(KafkaError):
                await asyncio.wait_for(bus.publish_batch([(topic, "case-1", b"during")]), 10)
    finally:
        with suppress(TimeoutError):
            await asyncio.wait_for(bus.stop(), 30)
        await _delete_topics(kafka_bootstrap, [topic])
