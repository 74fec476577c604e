"""Fixtures of the identity tests (helpers live in ``support``).

``gw`` runs every test on a temp SQLite file and, in the integration tier (``make test``),
once more on a fresh PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.gateway.identity.support import Gateway, running_gateway


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def gw(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Gateway]:
    url = request.getfixturevalue("fresh_pg_url") if request.param == "postgresql" else None
    async with running_gateway(tmp_path, database_url=url) as gateway:
        yield gateway
