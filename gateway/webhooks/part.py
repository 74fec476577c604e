"""The webhooks part: its routes, its tables, the consumer and the delivery loop.

The consumer reads all seven ``halo.<service>.case-events.v1`` topics as group
``gateway-webhooks`` (``HALO_WEBHOOKS_GROUP``) with the shared idempotent consumer: the
in-process bus in all-in-one, Kafka in distributed mode. For each event it writes one
delivery row per matching subscription (:mod:`.fanout`); the delivery loop
(:mod:`.delivery`) sends them. With ``workers`` on (the default) both run as tasks until the
runtime's stop event; with it off (tests, or a replica that only serves reads) they are
built but not run: ``runtime.state["webhooks"].consumer.poll_once()`` and
``.worker.run_once()`` drive them. ``PART`` reads its settings from the environment; tests
build one with :func:`make_part`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.settings import SERVICES
from gateway.webhooks import messages, urls
from gateway.webhooks.delivery import WebhookWorker
from gateway.webhooks.fanout import Fanout
from gateway.webhooks.routes import router
from gateway.webhooks.service import STATE_KEY, WebhooksState
from gateway.webhooks.settings import WebhookSettings
from shared.aio.waiting import end_tasks
from shared.events.bus import EventBus
from shared.events.consumer import EventConsumer, Handler
from shared.events.envelope import EventEnvelope, case_topic

messages.install()

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_webhooks")
STOP_GRACE_S = 5.0


class WakingConsumer(EventConsumer):
    """The shared consumer, waking the delivery loop after a batch is committed."""

    def __init__(self, bus: EventBus, topics: list[str], group: str,
                 sessions: async_sessionmaker[AsyncSession], handler: Handler,
                 after_batch: Callable[[], None]) -> None:
        super().__init__(bus, topics, group, sessions, handler,
                         decode=EventEnvelope.from_bytes)
        self._after_batch = after_batch

    async def poll_once(self, timeout_ms: int = 500) -> int:
        read = await super().poll_once(timeout_ms)
        if read:
            self._after_batch()
        return read


def make_part(settings: WebhookSettings | None = None, *, rng: random.Random | None = None,
              resolver: urls.Resolver = urls.resolve) -> GatewayPart:
    async def start(runtime: GatewayRuntime) -> None:
        conf = settings or WebhookSettings.from_env()
        worker = WebhookWorker(runtime.sessions, conf, runtime.clock, rng=rng,
                               resolver=resolver)
        consumer = WakingConsumer(runtime.bus, [case_topic(s) for s in SERVICES], conf.group,
                                  runtime.sessions, Fanout(runtime.clock).handle,
                                  worker.wake.set)
        await consumer.start()
        state = WebhooksState(conf, worker, consumer, resolver)
        if runtime.settings.workers:
            tasks: list[asyncio.Task[Any]] = [
                asyncio.create_task(consumer.run(runtime.stop_event),
                                    name="gateway-webhooks-consumer"),
                asyncio.create_task(worker.run(runtime.stop_event),
                                    name="gateway-webhooks-delivery")]
            state.tasks = tasks
            runtime.tasks.extend(tasks)
        runtime.state[STATE_KEY] = state

    async def stop(runtime: GatewayRuntime) -> None:
        state: WebhooksState | None = runtime.state.get(STATE_KEY)
        if state is None:
            return
        await end_tasks(state.tasks, STOP_GRACE_S)  # the stop event is set
        await state.consumer.stop()
        await state.worker.aclose()

    return GatewayPart(name="webhooks", router=router, start=start, stop=stop,
                       migrations=MIGRATIONS)


PART = make_part()
