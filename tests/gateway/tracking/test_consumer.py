"""The tracking consumer: re-delivery and replay change nothing, a case's events are applied
in order only, and the read model can be rebuilt from the topics."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from gateway.tracking import rebuild
from gateway.tracking.projector import apply_event
from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.db.tables import OutboxRow
from shared.events.envelope import EventEnvelope, case_topic, dead_letter_topic
from tests.gateway.routing.harness import Stack, gateway_stack

TOPIC = case_topic("dukcapil")


async def snapshot(stack: Stack) -> dict[str, Any]:
    async with stack.runtime.sessions() as session:
        cases = (await session.scalars(select(TrackedCaseRow).order_by(
            TrackedCaseRow.case_id))).all()
        events = (await session.scalars(select(TrackedEventRow).order_by(
            TrackedEventRow.case_id, TrackedEventRow.seq))).all()
    return {"cases": [c.model_dump() for c in cases],
            "events": [e.model_dump(exclude={"id"}) for e in events]}


async def published(stack: Stack) -> list[EventEnvelope]:
    """Every event on the dukcapil topic, read under a probe group of its own."""
    probe = stack.bus.consumer([TOPIC], f"probe-{uuid.uuid4().hex}")
    await probe.start()
    records = await probe.poll(timeout_ms=5, max_records=1000)
    await probe.stop()
    return [EventEnvelope.from_bytes(r.value) for r in records]


async def busy_stack_cases(stack: Stack) -> list[dict[str, Any]]:
    owner = stack.headers("warga-a", "citizen")
    operator = stack.headers("op", "disdukcapil:operator")
    first = await stack.open_kia(owner)
    second = await stack.open_kia(stack.headers("warga-b", "citizen"))
    await stack.act(first["id"], operator, "teruskan")
    await stack.act(first["id"], operator, "tidak_lengkap", comment="buram")
    await stack.act(first["id"], owner, "lengkapi", comment="KK sudah diunggah")
    await stack.act(second["id"], operator, "teruskan")
    await stack.sync()
    return [first, second]


async def test_redelivery_and_replay_change_nothing(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        await busy_stack_cases(stack)
        before = await snapshot(stack)
        assert len(before["cases"]) == 2 and len(before["events"]) == 6

        # The relay crashed after publishing, before marking rows sent: it publishes again.
        async with stack.service("dukcapil").sessions() as session:
            await session.execute(update(OutboxRow).values(sent_at=None))
            await session.commit()
        assert await stack.relay() == 6
        assert await stack.consume() == 6
        assert await snapshot(stack) == before

        # The same event under another id (e.g. a producer retry): the seq guard drops it.
        again = (await published(stack))[0].model_copy(update={"event_id": str(uuid.uuid4())})
        async with stack.runtime.sessions() as session:
            await apply_event(session, again)
            await session.commit()
        assert await snapshot(stack) == before

        # Replay from the start of the topics under a fresh group.
        read = await rebuild.rebuild(stack.runtime.sessions, stack.bus, idle_s=0.3)
        assert read == 12
        assert await snapshot(stack) == before


async def test_rebuild_restores_a_wiped_read_model(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        cases = await busy_stack_cases(stack)
        before = await snapshot(stack)
        await rebuild.wipe(stack.runtime.sessions)
        assert await snapshot(stack) == {"cases": [], "events": []}
        await rebuild.rebuild(stack.runtime.sessions, stack.bus, idle_s=0.3)
        assert await snapshot(stack) == before
        response = await stack.client.get(f"/api/v1/tracking/{cases[0]['tracking_no']}",
                                          headers=stack.headers("warga-a", "citizen"))
        assert len(response.json()["timeline"]) == 4


async def test_a_gap_is_not_applied_and_goes_to_the_dead_letter_topic(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        case = await stack.open_kia(stack.headers("warga-a", "citizen"))
        await stack.sync()
        before = await snapshot(stack)
        [first] = await published(stack)
        later = first.time + timedelta(minutes=5)
        missing = first.model_copy(update={
            "event_id": str(uuid.uuid4()), "seq": 2, "type": "case.step_completed",
            "step": "verifikasi_permohonan", "action": "teruskan", "actor_role": "operator",
            "actor_agency": "disdukcapil", "time": later})
        beyond = missing.model_copy(update={
            "event_id": str(uuid.uuid4()), "seq": 3, "step": "verifikasi_berkas",
            "action": "lengkap", "time": later + timedelta(minutes=5)})

        await stack.bus.publish(TOPIC, case["id"], beyond.to_bytes())
        assert await stack.consume() == 1
        assert await snapshot(stack) == before
        assert stack.bus.end_offsets(dead_letter_topic(TOPIC)) == [1]

        # Once the missing event arrives, the dead-lettered one can be re-driven in order.
        await stack.bus.publish(TOPIC, case["id"], missing.to_bytes())
        await stack.bus.publish(TOPIC, case["id"], beyond.to_bytes())
        assert await stack.consume() == 2
        after = await snapshot(stack)
        assert [e["seq"] for e in after["events"]] == [1, 2, 3]
        assert after["cases"][0]["last_seq"] == 3


async def test_rebuild_command_needs_kafka(monkeypatch: Any, tmp_path: Path,
                                           capsys: Any) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HALO_BUS", "memory")
    assert await asyncio.to_thread(rebuild.main, ["--idle", "0.1"]) == 2
    assert "Kafka" in capsys.readouterr().err


def test_the_tracking_group_is_a_setting(monkeypatch: Any) -> None:
    from gateway.settings import GatewaySettings
    monkeypatch.delenv("HALO_TRACKING_GROUP", raising=False)
    assert GatewaySettings.from_env().tracking_group == "gateway-tracking"
    monkeypatch.setenv("HALO_TRACKING_GROUP", "gateway-tracking-staging")
    assert GatewaySettings.from_env().tracking_group == "gateway-tracking-staging"


async def test_the_consumer_uses_the_configured_group(tmp_path: Path) -> None:
    from dataclasses import replace

    from gateway.tracking.part import make_consumer
    async with gateway_stack(tmp_path) as stack:
        running = stack.runtime.state["tracking"].consumer
        assert running.group == stack.runtime.settings.tracking_group
        stack.runtime.settings = replace(stack.runtime.settings, tracking_group="lingkungan-b")
        assert make_consumer(stack.runtime).group == "lingkungan-b"
