"""The pajak app on SQLite (and, in the integration tier, on a fresh PostgreSQL database),
with a clock the tests set, and the demo objects seeded (their 2026 SPPTs due 31 Aug 2026)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.pajak import demo
from services.pajak.app import create_app
from services.pajak.domain_interest import WIB
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
WAJIB_PAJAK = TOKENS.headers("wp-1", "citizen")
BANK = TOKENS.headers("integrasi.banklampung", "bpprd:integrasi")
PETUGAS = TOKENS.headers("petugas-bpprd", "bpprd:front_office")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 10, 0, tzinfo=WIB)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Pajak:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def pajak(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Pajak]:
    dropped: str | None = None
    if request.param == "postgresql":
        admin = request.getfixturevalue("pg_url") and __import__("os").environ.get(
            "HALO_TEST_PG_ADMIN_URL")
        if not admin:
            pytest.skip("HALO_TEST_PG_ADMIN_URL not set")
        name = f"halo_pajak_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(_dsn(admin))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        url, dropped = f"{admin.rsplit('/', 1)[0]}/{name}", name
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'pajak.db'}"
    clock = Clock()
    app = create_app(service_settings("pajak", url, tmp_path), wiring(TOKENS, clock=clock))
    try:
        async with running(app) as client:
            runtime = runtime_of(app)
            await demo.seed(runtime.sessions, runtime.cases.cipher, runtime.settings.pii_key,
                            clock())
            yield Pajak(app, client, clock)
    finally:
        if dropped is not None:
            conn = await asyncpg.connect(_dsn(admin))
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
            finally:
                await conn.close()
