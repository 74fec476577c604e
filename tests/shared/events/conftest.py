"""Fixtures of the event-bus contract tests: every test runs on the in-process bus and, in
the integration tier (``HALO_TEST_KAFKA``; a failure under ``make test``), on the real broker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from shared.events.bus import EventBus
from shared.events.kafka import KafkaBus
from shared.events.memory import InProcessBus
from tests.shared.events.bus_harness import BusUnderTest, delete_topics


@pytest.fixture(params=[
    pytest.param("memory", id="in-process"),
    pytest.param("kafka", id="kafka", marks=pytest.mark.integration),
])
def bus_kind(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    if request.param == "kafka":
        return "kafka", request.getfixturevalue("kafka_bootstrap")
    return "memory", None


@pytest.fixture
async def under_test(bus_kind: tuple[str, str | None]) -> AsyncIterator[BusUnderTest]:
    kind, bootstrap = bus_kind
    if kind == "kafka":
        assert bootstrap is not None
        # A short request timeout: a publish to a missing topic must fail fast.
        bus: EventBus = KafkaBus(bootstrap, client_id=f"contract-{uuid.uuid4().hex[:8]}",
                                 request_timeout_ms=3000)
    else:
        bus = InProcessBus()
    await bus.start()
    sut = BusUnderTest(kind, bus, bootstrap)
    try:
        yield sut
    finally:
        await bus.stop()
        if bootstrap is not None and sut.topics:
            await delete_topics(bootstrap, sut.topics)
