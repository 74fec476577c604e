"""Commit-time wake-ups for an outbox relay that runs in another process.

The transaction that writes outbox rows also sends ``NOTIFY halo_outbox, '<service>'``
(PostgreSQL delivers it at commit, once per transaction, never for a rollback). The worker
of the service listens on a connection of its own and wakes its relay, so an event leaves
within milliseconds of the commit instead of at the next poll. Polling stays as the safety
net: a lost connection or a missed signal only costs latency, never an event.

On SQLite (all-in-one) the relay runs in the same process and is woken directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from shared.aio.waiting import first_of, sleep_or_stop
from shared.db.session import is_postgres

CHANNEL = "halo_outbox"
log = logging.getLogger(__name__)


async def signal_commit(session: AsyncSession, service: str) -> None:
    """Ask PostgreSQL to tell the service's listeners when this transaction commits."""
    if is_postgres(session):
        await session.execute(text("SELECT pg_notify(:channel, :service)"),
                              {"channel": CHANNEL, "service": service})


def asyncpg_dsn(database_url: str) -> str:
    """The plain libpq DSN of a SQLAlchemy ``postgresql+asyncpg://`` URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def listen(database_url: str, service: str, wake: Callable[[], None],
                 stop: asyncio.Event, *, retry_seconds: float = 1.0) -> None:
    """Call ``wake`` on every commit signal for ``service`` until ``stop`` is set.

    A dropped connection is reopened after ``retry_seconds``; the relay is woken once on
    every (re)connect, because signals sent while nobody listened are gone.
    """
    dsn = asyncpg_dsn(database_url)

    def on_signal(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == service:
            wake()

    while not stop.is_set():
        lost = asyncio.Event()
        try:
            conn = await asyncpg.connect(dsn, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("outbox listener cannot connect, retrying",
                        extra={"service": service, "error": type(exc).__name__})
            await sleep_or_stop(stop, retry_seconds)
            continue
        try:
            conn.add_termination_listener(_setter(lost))
            await conn.add_listener(CHANNEL, on_signal)
            wake()
            await first_of(stop, lost)
        finally:
            if not conn.is_closed():
                await conn.close()
        if lost.is_set() and not stop.is_set():
            log.warning("outbox listener lost its connection, reconnecting",
                        extra={"service": service})
            await sleep_or_stop(stop, retry_seconds)


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _conn: event.set()
