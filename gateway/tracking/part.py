"""The tracking part: its routes, its tables, and the consumer that feeds them.

The consumer reads all seven ``halo.<service>.case-events.v1`` topics as group
``gateway-tracking`` (``HALO_TRACKING_GROUP``). With ``workers`` on (the default) it runs as
a task until the runtime's stop event; with it off (tests, or a gateway replica that only
serves reads) it is started but not run: ``runtime.state["tracking"].consumer.poll_once()``
drives it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.settings import SERVICES
from gateway.tracking.projector import apply_event, topics
from gateway.tracking.routes import router
from shared.events.consumer import EventConsumer

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_tracking")
STOP_GRACE_S = 5.0


@dataclass
class TrackingState:
    consumer: EventConsumer
    task: asyncio.Task[Any] | None = None


def make_consumer(runtime: GatewayRuntime, group: str | None = None) -> EventConsumer:
    return EventConsumer(runtime.bus, topics(SERVICES), group or runtime.settings.tracking_group,
                         runtime.sessions, apply_event)


async def start(runtime: GatewayRuntime) -> None:
    consumer = make_consumer(runtime)
    await consumer.start()
    state = TrackingState(consumer=consumer)
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
        # The stop event is set: the loop ends after its current poll.
        done, _ = await asyncio.wait({state.task}, timeout=STOP_GRACE_S)
        if not done:
            state.task.cancel()
            await asyncio.gather(state.task, return_exceptions=True)
    await state.consumer.stop()


PART = GatewayPart(name="tracking", router=router, start=start, stop=stop,
                   migrations=MIGRATIONS)
