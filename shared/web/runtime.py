"""Everything a department service holds while it runs, built in its lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.auth.tokens import JwksUnavailable, TokenVerifier
from shared.calendar.config import calendars
from shared.cases.catalog import SopCatalog
from shared.cases.hooks import Hooks
from shared.cases.pii import PiiCipher
from shared.cases.service import CaseService
from shared.cases.store import CaseStore
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.documents.factory import build_store
from shared.engine.engine import SopEngine
from shared.events.bus import EventBus
from shared.events.envelope import case_topic
from shared.events.relay import OutboxRelay
from shared.outputs.part import Outputs, build_outputs
from shared.registry import Registry, load_registry
from shared.settings import ServiceSettings
from shared.sla.sweeper import OverdueSweeper
from shared.sop.loader import load_sop_folder


def utc_now() -> datetime:
    return datetime.now(UTC)


def shifted(clock: Callable[[], datetime], offset: timedelta) -> Callable[[], datetime]:
    """``clock`` moved by ``offset`` (``HALO_CLOCK_OFFSET``); ``clock`` itself when none."""
    if not offset:
        return clock
    return lambda: clock() + offset


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    registry: Registry
    catalog: SopCatalog
    store: CaseStore
    cases: CaseService
    verifier: TokenVerifier
    bus: EventBus
    relay: OutboxRelay
    sweeper: OverdueSweeper
    clock: Callable[[], datetime]
    outputs: Outputs | None = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    ready: bool = False

    async def stop(self) -> None:
        self.stop_event.set()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.db.dispose()


def jwks_from_url(url: str, client: httpx.AsyncClient | None = None
                  ) -> Callable[[], Any]:
    """A JWKS source for :class:`TokenVerifier`: every failure (network, HTTP status, a body
    that is not a JSON object) is :class:`JwksUnavailable`, which the verifier turns into a
    503 while it keeps its last good keys. ``no-cache``: a proxy must not answer a refetch
    for a new key with the set from before the rotation."""
    headers = {"Accept": "application/json", "Cache-Control": "no-cache"}

    async def fetch() -> dict[str, Any]:
        try:
            if client is not None:
                response = await client.get(url, headers=headers)
            else:
                async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as own:
                    response = await own.get(url, headers=headers)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise JwksUnavailable(type(exc).__name__) from exc
        if not isinstance(body, dict):
            raise JwksUnavailable("not a JSON object")
        return body
    return fetch


async def build_runtime(settings: ServiceSettings, sops_dir: Path, hooks: Hooks,
                        bus: EventBus, verifier: TokenVerifier,
                        clock: Callable[[], datetime] = utc_now,
                        department: tuple[Path, str] | None = None) -> ServiceRuntime:
    """Migrate (if asked: the platform tables, then the department's own ``department``
    folder and version table), load and sync the SOP files, and wire the service's parts."""
    clock = shifted(clock, settings.clock_offset)
    registry = load_registry()
    sops = load_sop_folder(sops_dir, registry, settings.service)
    if settings.run_migrations:
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        if department is not None:
            await asyncio.to_thread(migrate.upgrade, settings.database_url, "head", *department)
    db = make_engine(settings.database_url, pool=settings.db_pool_size)
    sessions = make_sessionmaker(db)
    catalog = SopCatalog(settings.service, registry)
    try:
        async with sessions() as session:
            await catalog.sync_files(session, sops, clock())
            await session.commit()
        await bus.ensure_topics([case_topic(settings.service)])
    except BaseException:
        await db.dispose()  # a refused start leaves no connection open
        raise
    store = CaseStore(settings.service)
    engine = SopEngine(clock, calendars(settings.office_hours, settings.extra_holidays))
    cases = CaseService(settings.service, catalog, store, engine,
                        build_store(settings.document_store, settings.pii_key,
                                    settings.documents_dir, sessions),
                        PiiCipher(settings.pii_key),
                        hooks, clock)
    relay = OutboxRelay(sessions, bus, settings.service, clock=clock)
    sweeper = OverdueSweeper(sessions, catalog, store, engine, registry, clock,
                             second_after=settings.escalation_second_after)
    outputs = build_outputs(settings.service, sessions, catalog, store, registry, cases.cipher,
                            cases.storage, clock)
    cases.outputs = outputs.issuer
    runtime = ServiceRuntime(settings=settings, db=db, sessions=sessions, registry=registry,
                             catalog=catalog, store=store, cases=cases, verifier=verifier,
                             bus=bus, relay=relay, sweeper=sweeper, clock=clock,
                             outputs=outputs)
    outputs.issuer.bind(hooks.output_rows, runtime)
    return runtime


def start_workers(runtime: ServiceRuntime,
                  background: Sequence[Callable[[ServiceRuntime, asyncio.Event],
                                                Coroutine[Any, Any, None]]] = ()) -> None:
    """The relay, the sweeper, the output worker and the department's ``background`` loops,
    when this process runs the workers (``HALO_WORKERS=1``)."""
    if runtime.settings.workers:
        for loop in background:
            runtime.tasks.append(asyncio.create_task(loop(runtime, runtime.stop_event)))
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(runtime.stop_event)))
        runtime.tasks.append(asyncio.create_task(runtime.sweeper.run(
            runtime.stop_event, runtime.settings.sweeper_interval_s)))
        if runtime.outputs is not None:
            runtime.tasks.append(asyncio.create_task(runtime.outputs.worker.run(
                runtime.stop_event)))
