"""A throw-away PostgreSQL database for a module-scoped app fixture (the parametrized
SQLite/PostgreSQL service fixtures): created on the test tier's server, dropped afterwards;
the test is skipped when the tier is not configured or does not answer."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest


@asynccontextmanager
async def throwaway_database(prefix: str) -> AsyncIterator[str]:
    """The SQLAlchemy URL of a new, empty database named ``halo_t_<prefix>_<random>``."""
    admin = os.environ.get("HALO_TEST_PG_ADMIN_URL")
    if not admin:
        pytest.skip("HALO_TEST_PG_ADMIN_URL not set")
    name = f"halo_t_{prefix}_{uuid.uuid4().hex[:10]}"
    dsn = admin.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        pytest.skip("PostgreSQL of the test tier does not answer")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
