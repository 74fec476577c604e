"""The outbox relay's loop outlives its database going away at any point of a pass: a failing
query after an empty pass (the backlog count) is logged and retried like a failed publish,
never the end of the worker process (it was, seen in tests/e2e/test_reliability.py's
PostgreSQL restart: the worker then needed a restart of its own)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from shared.db.session import make_engine, make_sessionmaker
from shared.events.memory import InProcessBus
from shared.events.relay import OutboxRelay
from shared.observability.metrics import OUTBOX_FAILURES

pytestmark = pytest.mark.integration
SERVICE = "relaytest"


def _failures() -> float:
    return float(OUTBOX_FAILURES.labels(SERVICE)._value.get())


async def test_a_failing_query_after_an_empty_pass_does_not_end_the_loop(
        fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url)
    relay = OutboxRelay(make_sessionmaker(engine), InProcessBus(), SERVICE, idle_seconds=0.05,
                        max_backoff=0.1)
    # Another relay of the service holds its lock: the pass publishes nothing without reading
    # the outbox, then the backlog count fails (this database has no outbox table).
    holder = await asyncpg.connect(fresh_pg_url.replace("postgresql+asyncpg://",
                                                        "postgresql://"))
    stop = asyncio.Event()
    try:
        await holder.execute("BEGIN")
        await holder.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                             f"halo-relay-{SERVICE}")
        assert await relay.run_once() == 0
        before = _failures()
        loop = asyncio.create_task(relay.run(stop))
        async with asyncio.timeout(60):
            while _failures() < before + 3:
                assert not loop.done(), loop
                await asyncio.sleep(0.05)
        assert not loop.done()
        stop.set()
        await asyncio.wait_for(loop, 30)  # ends as asked, not by an exception
    finally:
        stop.set()
        await holder.close()
        await engine.dispose()
