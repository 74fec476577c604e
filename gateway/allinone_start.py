"""The all-in-one run as a program (``make run``) opens its listener first and starts behind it.

The start-up proper (every service's migrations and SOP sync, the gateway's parts, the demo
data) runs in a background task once the listener is up. Until it is done, ``/healthz``
answers 200 (the process is alive), ``/readyz`` 503 ``starting``, and every other request a
503 problem+json ``starting`` with ``Retry-After``. A start-up that fails is logged and
stops the process, as it did when it ran before the listener.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.early_listener import RETRY_AFTER_S, STARTING
from shared.web.i18n import register_messages
from shared.web.problems import problem_response

log = logging.getLogger("halo.allinone")
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
INTERNAL = "halo.start.internal"
"""An ASGI scope key set only by :func:`internal`: the start's own in-process requests (the
demo opening its cases through the gateway) pass the guard; no request from the network can
set a scope key."""
MESSAGES = {"starting": STARTING}
register_messages(MESSAGES)


@dataclass
class Starting:
    """Where a start behind the listener is: ``done`` once it can serve; ``error`` if it
    failed."""

    done: bool = False
    error: BaseException | None = None


class StartingGuard:
    """ASGI middleware: 503 ``starting`` for everything but the probes until the start is
    done."""

    def __init__(self, app: ASGIApp, state: Starting) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and not self.state.done
                and scope["path"] not in OPEN_PATHS and not scope.get(INTERNAL)):
            response = problem_response(Request(scope), 503, "starting",
                                        headers={"Retry-After": str(RETRY_AFTER_S)})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def internal(app: ASGIApp) -> ASGIApp:
    """``app`` for the start's own in-process client: its requests pass :class:`StartingGuard`."""
    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, INTERNAL: True}, receive, send)
    return call


@asynccontextmanager
async def behind_the_listener(startup: AbstractAsyncContextManager[None], state: Starting,
                              on_error: Callable[[], None]) -> AsyncIterator[None]:
    """Enter ``startup`` in a task of its own and yield at once; leave it on the way out (a
    start still running is cancelled)."""
    stop = asyncio.Event()

    async def run() -> None:
        try:
            async with startup:
                state.done = True
                await stop.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            state.error = exc
            log.exception("start-up failed")
            on_error()

    task = asyncio.create_task(run(), name="halo-allinone-start")
    try:
        yield
    finally:
        stop.set()
        if not state.done:
            task.cancel()
        with suppress(asyncio.CancelledError):
            await task
