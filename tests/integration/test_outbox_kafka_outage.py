"""Outbox -> relay -> real Kafka -> EventConsumer while the broker is down: the service keeps
answering, the outbox holds the backlog, every event is delivered once the broker is back, and
a consumer (the project's EventConsumer over KafkaBus, running its loop through the outage)
applies every event exactly once per case in seq order although the topic then holds
redelivered copies; the bus itself raises when it cannot deliver.

Real PostgreSQL (a fresh database per test) and the real broker of the integration tier; each
test uses its own topic (the service topic plus a uuid suffix). The tests stop and restart the
broker with ``deploy/local/kafka.sh`` (``KAFKA_DATA`` from the environment, default
``<repo>/var/test-kafka``, as ``make test`` uses); the broker is running again when a test
ends, pass or fail.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka.errors import KafkaError

from shared.events.kafka import KafkaBus
from tests.support.dukcapil_kafka import (
    SERVICE_TOPIC,
    check_delivery,
    db_counts,
    db_event_ids,
    db_history,
    dukcapil_service,
    relay_until_drained,
    report,
)
from tests.support.kafka_consumer import (
    assert_applied_once,
    consumed,
    event_consumer,
)
from tests.support.kafka_topics import (
    delete_topics,
    read_topic,
)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# The script that starts/stops the broker at HALO_TEST_KAFKA (overridable for a broker on
# other ports; it must accept the same start/stop/status commands and KAFKA_DATA).
KAFKA_SH = Path(os.environ.get("HALO_TEST_KAFKA_SH") or REPO / "deploy" / "local" / "kafka.sh")


# ------------------------------------------------------------------ broker control --

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
    async with (dukcapil_service(fresh_pg_url, tmp_path, kafka_bootstrap, bus) as svc,
                event_consumer(kafka_bootstrap, svc.topic, svc.runtime.sessions,
                               "outage") as tc):
        citizens = [svc.tokens.headers(f"warga-{i:03d}", "citizen") for i in range(10)]
        async with asyncio.timeout(60):
            cases = [await svc.open_case(c) for c in citizens]
            for citizen, case_id in zip(citizens, cases, strict=True):
                await svc.walk(citizen, case_id, returns=1, finish=False)
        before_outage, _, _ = await db_counts(svc.runtime)
        assert await relay_until_drained(svc.runtime, timeout_s=30) == 0
        await tc.wait_caught_up(timeout_s=60)
        assert len(await tc.applied()) == before_outage

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
            # The consumer loop survives the outage (it keeps polling) and applied nothing new.
            assert not tc.task.done(), tc.task
            assert len(await tc.applied()) == before_outage

            await outage.end()
            t1 = loop.time()
            failures = await relay_until_drained(svc.runtime, timeout_s=90)
            drained_in = loop.time() - t1

        history_rows, outbox_rows, unsent = await db_counts(svc.runtime)
        assert unsent == 0
        event_ids = await db_event_ids(svc.runtime)
        # Physically on the topic: every event at least once, repeats are identical copies.
        records = await read_topic(kafka_bootstrap, svc.topic)
        delivery = check_delivery(records)
        assert delivery.distinct == history_rows, "events lost in the outage"
        assert set(delivery.copies) == event_ids

        # The same consumer, still running, catches up: each event applied once, in order.
        caught_up_in = await tc.wait_caught_up(timeout_s=120)
        await assert_applied_once(tc, await db_history(svc.runtime), event_ids)
        dropped = consumed(tc.group, "duplicate")
        # Every copy on the topic was read and dropped (more if the consumer itself was
        # handed a batch again after a commit failed in the outage).
        assert dropped >= delivery.duplicates
        report(capsys, f"outage: {history_rows} events, {history_rows - before_outage} written "
                       f"while the broker was down; broker stop {outage.stopped_in:.1f}s, "
                       f"run_once while down: {relay_outcome}; restart "
                       f"{outage.restarted_in:.1f}s, drained in {drained_in:.1f}s "
                       f"({failures} failed attempts after restart); Kafka records raw "
                       f"{delivery.raw}, distinct {delivery.distinct}, raw duplicates "
                       f"{delivery.duplicates}; EventConsumer caught up {caught_up_in:.1f}s "
                       f"after the drain, applied {consumed(tc.group, 'applied')} once each, "
                       f"dropped {dropped} duplicates")


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
        await delete_topics(kafka_bootstrap, [topic])
