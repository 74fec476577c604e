"""Waiting on events with a timeout, the way every background loop of the platform does."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less if ``stop`` is set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


async def first_of(*events: asyncio.Event, seconds: float | None = None) -> None:
    """Return when any of ``events`` is set, or after ``seconds``."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


async def end_tasks(tasks: Sequence[asyncio.Task[Any]], grace_s: float) -> None:
    """Let background loops whose stop event is set end their current round within
    ``grace_s``; cancel the ones still running then, and wait for them to go."""
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=grace_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
