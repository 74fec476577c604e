"""Outbox -> relay -> real Kafka, end to end through the dukcapil service's HTTP API: 1,000
transitions over 50 cases reach the broker in order, each exactly once.

Real PostgreSQL (a fresh database per test) and the real broker of the integration tier.
The test sends its case events to its own topic (the service topic plus a uuid suffix), so it
reads exactly what it produced even when other runs share the broker.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path

import pytest

from shared.events.envelope import EventEnvelope
from shared.events.kafka import KafkaBus
from tests.support.dukcapil_kafka import (
    assert_matches_history,
    check_delivery,
    db_counts,
    db_event_ids,
    db_history,
    dukcapil_service,
    read_topic,
    report,
)

pytestmark = pytest.mark.integration


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
