"""What a process has built at start-up, kept out of the garbage collector's full passes.

A service holds some 160,000 objects the collector tracks once it has started: the SOP
catalog, SQLAlchemy's mappers and compiled statements, pydantic's validators, the routes. They
live as long as the process, yet every full (oldest-generation) collection walks all of them:
77 ms on the 2026-12-07 machine, during which every request in flight waits. Under load such a
pass comes every few seconds, and it was the p99 of every action (issue 12,
docs/benchmarks.md). :func:`freeze_survivors` collects once, then moves every surviving object
to the permanent generation (:func:`gc.freeze`), which no collection visits; later objects are
collected as before.

The programs call it once their start-up is complete: :class:`FrozenAfterStartup` around the
app of a process of its own (``services/run.py``, ``gateway/run.py``, the benchmarks' servers),
and the all-in-one once its services, gateway and demo data are in place.
"""

from __future__ import annotations

import gc
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("halo.gc")


def freeze_survivors() -> int:
    """Collect, then freeze what survives; the number of objects now frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("start-up objects frozen", extra={"objects": frozen})
    return frozen


class FrozenAfterStartup:
    """ASGI wrapper: passes everything to ``app``, and freezes the survivors when the app
    reports its lifespan start-up complete."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                freeze_survivors()
            await send(message)

        await self.app(scope, receive, sending)
