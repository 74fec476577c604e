"""Outbox -> relay -> real Kafka -> EventConsumer, end to end through the dukcapil service's
HTTP API: 1,000 transitions over 50 cases reach the broker in order, each exactly once, and a
consumer (the project's EventConsumer over KafkaBus, running while the cases are walked)
applies each exactly once per case in seq order, also when the topic holds redelivered copies.

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

from shared.events.kafka import KafkaBus
from tests.support.dukcapil_kafka import (
    check_delivery,
    db_counts,
    db_event_ids,
    db_history,
    dukcapil_service,
    report,
)
from tests.support.kafka_consumer import (
    assert_applied_once,
    consumed,
    event_consumer,
)
from tests.support.kafka_topics import (
    read_topic,
)

pytestmark = pytest.mark.integration


async def test_thousand_transitions_reach_kafka_in_order_once(
        fresh_pg_url: str, kafka_bootstrap: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-dukcapil-{uuid.uuid4().hex[:6]}")
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with (dukcapil_service(fresh_pg_url, tmp_path, kafka_bootstrap, bus) as svc,
                event_consumer(kafka_bootstrap, svc.topic, svc.runtime.sessions,
                               "delivery") as tc):
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
        drained = loop.time()
        history_rows, outbox_rows, unsent = await db_counts(svc.runtime)
        assert history_rows >= 1000
        assert outbox_rows == history_rows
        assert unsent == 0
        history = await db_history(svc.runtime)
        assert len(history) == 50
        event_ids = await db_event_ids(svc.runtime)

        # Physically on the topic: every event exactly once, keyed by case, one partition each.
        records = await read_topic(kafka_bootstrap, svc.topic)
        delivery = check_delivery(records)
        assert delivery.distinct == history_rows, "events lost"
        assert delivery.raw == history_rows, f"{delivery.duplicates} duplicate deliveries"
        assert set(delivery.copies) == event_ids

        # The consumer ran alongside: once caught up it applied each event once, in order.
        lag_after_drain = await tc.wait_caught_up(timeout_s=60)
        await assert_applied_once(tc, history, event_ids)
        assert consumed(tc.group, "duplicate") == 0

        # Redeliveries, as a relay that lost an acknowledgement produces them: byte-identical
        # copies of every 10th record (same key, so the same partition), after the originals.
        again = records[::10]
        await bus.publish_batch([(svc.topic, key or "", value) for key, _, value in again])
        assert len(await read_topic(kafka_bootstrap, svc.topic)) == history_rows + len(again)
        await tc.wait_caught_up(timeout_s=60)
        applied = await assert_applied_once(tc, history, event_ids)
        assert consumed(tc.group, "duplicate") == len(again), "every copy read and dropped"

        types = Counter(a.type for a in applied)
        assert types["case.completed"] == 50 and types["case.returned"] == \
            types["case.resubmitted"] >= 350
        report(capsys, f"{history_rows} transitions over 50 cases: API {walked - started:.1f}s, "
                       f"drained {drained - started:.1f}s; Kafka records {delivery.raw}, "
                       f"distinct {delivery.distinct}, duplicates {delivery.duplicates}; "
                       f"EventConsumer caught up {lag_after_drain:.1f}s after the drain, "
                       f"applied {consumed(tc.group, 'applied')}, then {len(again)} "
                       f"redelivered copies dropped; total {loop.time() - started:.1f}s")
