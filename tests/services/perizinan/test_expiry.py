"""The expiry loop's round on a real database (SQLite and PostgreSQL): one reminder per
permit and threshold through the outbox as a notice without personal data, repeated rounds
send nothing twice, and a lapsed permit is marked expired and verifies as expired."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from services.perizinan import expiry
from services.perizinan.app import SPEC
from services.perizinan.context import PermitContext
from services.perizinan.settings import RegistrySettings
from services.perizinan.tables import PermitReminderRow, PermitRow
from shared.db.tables import OutboxRow
from shared.events.notice import NoticeEnvelope, notice_topic
from shared.events.relay import OutboxRelay
from tests.services.perizinan.support import NAME, NIK, bidan_form, issue
from tests.shared.outputs.support import Clock
from tests.support.apps import runtime_of

SETTINGS = RegistrySettings(reminder_days=(90, 30, 7))


async def _round(app: Any, at: datetime) -> tuple[int, int]:
    async with runtime_of(app).sessions() as session:
        done = await expiry.sweep(session, at, SETTINGS)
        await session.commit()
    return done


async def _notices(app: Any) -> list[NoticeEnvelope]:
    async with runtime_of(app).sessions() as session:
        rows = (await session.scalars(select(OutboxRow).where(
            col(OutboxRow.topic) == notice_topic("perizinan")).order_by(col(OutboxRow.id)))).all()
    return [NoticeEnvelope.from_bytes(r.payload.encode()) for r in rows]


async def test_the_loop_binds_the_workers_context_and_runs_a_round(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    """The worker process runs ``SPEC.background`` with ``SPEC.hooks``: the loop binds
    their context. Run with the stop already set, it binds and ends without a round."""
    context = PermitContext()
    loop = expiry.expiry_loop(context, SETTINGS)
    stop = asyncio.Event()
    stop.set()
    await loop(runtime_of(app_client[0]), stop)
    assert context.current().clock is runtime_of(app_client[0]).clock
    assert len(SPEC.background) == 1


async def test_reminders_once_per_threshold_then_the_permit_expires(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient],
        clock: Clock) -> None:
    """Issued 3 Dec 2026 02:00Z, valid until 3 Dec 2031 02:00Z.
    1 Oct 2031 02:00Z: 63 days left, the 90-day reminder (days_left 63).
    20 Nov 2031 02:00Z: 13 days left, the 30-day reminder (days_left 13).
    3 Dec 2031 02:00Z: the validity has run out: expired, no reminder."""
    app = app_client[0]
    await issue(client, bidan_form("Puskesmas Natar"))
    assert await _round(app, datetime(2031, 1, 1, tzinfo=UTC)) == (0, 0)
    first = datetime(2031, 10, 1, 2, 0, tzinfo=UTC)
    assert await _round(app, first) == (0, 1)
    assert await _round(app, first) == (0, 0)  # the same round again: nothing twice
    [notice] = await _notices(app)
    assert (notice.recipient, notice.template, notice.source) == (
        "bidan-1", "permit.expiring", "perizinan")
    assert notice.params["days_left"] == "63" and notice.params["threshold"] == "90"
    assert notice.params["valid_until"] == "2031-12-03T02:00:00Z"
    raw = json.dumps(notice.model_dump(mode="json"))
    assert NIK not in raw and NAME not in raw
    assert await _round(app, datetime(2031, 11, 20, 2, 0, tzinfo=UTC)) == (0, 1)
    second = (await _notices(app))[1]
    assert (second.params["threshold"], second.params["days_left"]) == ("30", "13")
    end = datetime(2031, 12, 3, 2, 0, tzinfo=UTC)
    assert await _round(app, end) == (1, 0)
    assert await _round(app, end) == (0, 0)
    async with runtime_of(app).sessions() as session:
        [row] = (await session.scalars(select(PermitRow))).all()
        sent = (await session.scalars(select(PermitReminderRow.days))).all()
    assert (row.status, row.ended_at) == ("expired", end) and sorted(sent) == [30, 90]
    clock.now = end
    public = (await client.get("/permits/verify", params={"number": row.number})).json()
    assert (public["status"], public["valid"]) == ("expired", False)


async def test_the_notice_reaches_the_bus_through_the_relay(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    app = app_client[0]
    await issue(client, bidan_form("Puskesmas Natar"))
    runtime = runtime_of(app)
    consumer = runtime.bus.consumer([notice_topic("perizinan")], "test-notices")
    await consumer.start()
    try:
        await _round(app, datetime(2031, 11, 30, 2, 0, tzinfo=UTC))
        relay = OutboxRelay(runtime.sessions, runtime.bus, "perizinan")  # the test's binding
        assert await relay.run_once() >= 1
        records = await consumer.poll(timeout_ms=100)
        notices = [NoticeEnvelope.from_bytes(r.value) for r in records]
        assert [n.params["threshold"] for n in notices] == ["7"]
        assert records[0].key == "bidan-1"
    finally:
        await consumer.stop()
