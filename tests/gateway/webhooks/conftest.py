"""Fixtures of the webhook tests: ``hooks`` runs a test on a temp SQLite file and, in the
integration tier, once more on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.gateway.webhooks.support import Hooks, webhook_stack


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("fresh_pg_url")
        return url
    return None


@pytest.fixture
async def hooks(tmp_path: Path, database_url: str | None) -> AsyncIterator[Hooks]:
    async with webhook_stack(tmp_path, database_url=database_url) as running:
        yield running
