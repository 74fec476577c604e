"""Running a service app in-process for tests: lifespan, ASGI client, rollback per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.events.memory import InProcessBus
from shared.settings import ServiceSettings
from shared.web.app import Wiring
from shared.web.runtime import ServiceRuntime
from tests.support.tokens import SETTINGS, TestTokens


def service_settings(service: str, url: str, tmp: Path, migrate: bool = True) -> ServiceSettings:
    return ServiceSettings(service=service, database_url=url, bus="memory", tokens=SETTINGS,
                           pii_key=b"k" * 32, documents_dir=tmp / "documents" / service,
                           run_migrations=migrate, workers=False)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            yield client


def runtime_of(app: FastAPI) -> ServiceRuntime:
    runtime: ServiceRuntime = app.state.runtime
    return runtime


@asynccontextmanager
async def rolled_back(app: FastAPI) -> AsyncIterator[None]:
    """Bind the app's sessions to one outer transaction and roll it back at the end."""
    runtime = runtime_of(app)
    original = runtime.sessions
    async with runtime.db.connect() as conn:
        outer = await conn.begin()
        runtime.sessions = async_sessionmaker(bind=conn, expire_on_commit=False,
                                              join_transaction_mode="create_savepoint")
        runtime.cases.catalog._cache.clear()
        try:
            yield
        finally:
            runtime.sessions = original
            await outer.rollback()


def wiring(tokens: TestTokens, bus: InProcessBus | None = None, clock=None) -> Wiring:
    kwargs = {"bus": bus or InProcessBus(), "verifier": tokens.verifier()}
    if clock is not None:
        kwargs["clock"] = clock
    return Wiring(**kwargs)
