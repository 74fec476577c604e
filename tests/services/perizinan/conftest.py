"""Fixtures of the perizinan tests: the service app on SQLite and PostgreSQL (integration
tier, a database of its own), a settable clock, a rollback per test, a local signer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.perizinan.app import create_app
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner
from tests.services.perizinan.support import TOKENS
from tests.shared.outputs.support import Clock, fresh_database
from tests.support.apps import rolled_back, running, runtime_of, service_settings, wiring

CA = LocalCa()


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HALO_VAR_DIR", str(folder))
        patch.delenv("HALO_SIGNER", raising=False)
        yield folder


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def app_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                     var_dir: Path, clock: Clock) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("perizinan")
    async with AsyncExitStack() as stack:
        if request.param == "postgresql":
            url = await stack.enter_async_context(fresh_database())
        else:
            url = f"sqlite+aiosqlite:///{tmp / 'perizinan.db'}"
        app = create_app(service_settings("perizinan", url, tmp), wiring(TOKENS, clock=clock))
        async with running(app) as client:
            yield app, client


@pytest.fixture
async def client(app_client: tuple[Any, httpx.AsyncClient], clock: Clock
                 ) -> AsyncIterator[httpx.AsyncClient]:
    app, http = app_client
    start = clock.now
    outputs = runtime_of(app).outputs
    assert outputs is not None
    outputs.worker.signer = LocalSigner(CA)
    original = outputs.worker.sessions
    async with rolled_back(app):
        outputs.worker.sessions = runtime_of(app).sessions
        try:
            yield http
        finally:
            outputs.worker.sessions = original
    clock.now = start


