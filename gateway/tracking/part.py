"""The tracking part: its routes (a case's timeline, my cases, the inbox; the agencies'
workload and SLA report), its tables, and the consumer that feeds them.

The consumer reads all seven ``halo.<service>.case-events.v1`` topics as group
``gateway-tracking`` (``HALO_TRACKING_GROUP``). With ``workers`` on (the default) it runs as
a task until the runtime's stop event; with it off (tests, or a gateway replica that only
serves reads) it is started but not run: ``runtime.state["tracking"].consumer.poll_once()``
drives it.

Read-your-writes (:mod:`gateway.tracking.visible`): the part offers
``runtime.state["read_your_writes"]``, which the routing part awaits after a case write, so
the next inbox or tracking read shows it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.settings import SERVICES
from gateway.tracking.projector import apply_event, topics
from gateway.tracking.routes import router as case_router
from gateway.tracking.routes_agency import router as agency_router
from gateway.tracking.visible import DEFAULT_WAIT_S, Visibility
from shared.aio.waiting import end_tasks
from shared.events.consumer import EventConsumer
from shared.events.envelope import EventEnvelope
from shared.settings import env

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_tracking")
STOP_GRACE_S = 5.0
router = APIRouter()
router.include_router(case_router)
router.include_router(agency_router)


@dataclass
class TrackingState:
    consumer: EventConsumer
    visibility: Visibility
    task: asyncio.Task[Any] | None = None


def make_consumer(runtime: GatewayRuntime, group: str | None = None,
                  visibility: Visibility | None = None) -> EventConsumer:
    async def handle(session: AsyncSession, event: EventEnvelope) -> None:
        if visibility is not None:
            visibility.watch(session)
        await apply_event(session, event)

    return EventConsumer(runtime.bus, topics(SERVICES), group or runtime.settings.tracking_group,
                         runtime.sessions, handle)


def wait_budget(workers: bool) -> float:
    """``HALO_TRACKING_WAIT_S``; unset: 2 s where this gateway runs the consumer, else 0 (set
    it on replicas that serve writes while another replica consumes)."""
    raw = env("HALO_TRACKING_WAIT_S")
    if not raw:
        return DEFAULT_WAIT_S if workers else 0.0
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"HALO_TRACKING_WAIT_S must be a number of seconds, not {raw!r}") from None
    return max(0.0, min(value, 30.0))


async def start(runtime: GatewayRuntime) -> None:
    visibility = Visibility(runtime.sessions, wait_budget(runtime.settings.workers))
    consumer = make_consumer(runtime, visibility=visibility)
    await consumer.start()
    state = TrackingState(consumer=consumer, visibility=visibility)
    if visibility.budget_s > 0:
        runtime.state["read_your_writes"] = visibility.wait_for
    if runtime.settings.workers:
        state.task = asyncio.create_task(consumer.run(runtime.stop_event),
                                         name="gateway-tracking-consumer")
        runtime.tasks.append(state.task)
    runtime.state["tracking"] = state


async def stop(runtime: GatewayRuntime) -> None:
    state: TrackingState | None = runtime.state.get("tracking")
    if state is None:
        return
    if state.task is not None:
        await end_tasks([state.task], STOP_GRACE_S)  # the stop event is set
    await state.consumer.stop()


PART = GatewayPart(name="tracking", router=router, start=start, stop=stop,
                   migrations=MIGRATIONS)
