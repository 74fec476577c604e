"""Fixtures of the direct authorisation tests (``test_security_direct*.py``): Dukcapil on
SQLite and, in the integration tier, PostgreSQL (row locks on the action route); Damkar on
SQLite; each test inside a rolled-back transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.damkar.app import create_app as create_damkar
from services.dukcapil.app import create_app as create_dukcapil
from shared.db import migrate
from tests.services.security_harness import (
    TOKENS,
    Service,
)
from tests.support.apps import rolled_back, running, service_settings, wiring


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def dukcapil_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                       ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("security-dk")
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        await asyncio.to_thread(migrate.downgrade, url, "base")
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
    app = create_dukcapil(service_settings("dukcapil", url, Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture(scope="module")
async def damkar_app(tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("security-dm")
    app = create_damkar(service_settings("damkar", f"sqlite+aiosqlite:///{tmp / 'damkar.db'}",
                                         Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture
async def dukcapil(dukcapil_app: tuple[FastAPI, httpx.AsyncClient]) -> AsyncIterator[Service]:
    app, client = dukcapil_app
    async with rolled_back(app):
        yield Service(app, client)


@pytest.fixture
async def damkar(damkar_app: tuple[FastAPI, httpx.AsyncClient]) -> AsyncIterator[Service]:
    app, client = damkar_app
    async with rolled_back(app):
        yield Service(app, client)
