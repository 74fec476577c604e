"""Fixtures for the real infrastructure tiers.

``make test`` starts PostgreSQL and Kafka and sets ``HALO_TEST_PG_URL``,
``HALO_TEST_PG_ADMIN_URL`` and ``HALO_TEST_KAFKA``, plus ``HALO_TEST_REQUIRE_INTEGRATION=1``:
then a missing service is a failure, never a silent skip. Without them (a quick local run)
the integration tests are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

# The shared test helpers assert too: give their failures the same detail as a test's.
pytest.register_assert_rewrite("tests.support")
# Every event and notice a test writes to an outbox is validated against the contract.
pytest_plugins = ["tests.support.event_contract"]


def _need(var: str) -> str:
    value = os.environ.get(var)
    if value:
        return value
    if os.environ.get("HALO_TEST_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"{var} is not set but the integration tier is required (make test)")
    pytest.skip(f"{var} not set: run `make test` for the PostgreSQL/Kafka tier")


@pytest.fixture(scope="session")
def pg_url() -> str:
    return _need("HALO_TEST_PG_URL")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return _need("HALO_TEST_KAFKA")


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def fresh_pg_url() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin = _need("HALO_TEST_PG_ADMIN_URL")
    name = f"halo_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_asyncpg_dsn(admin))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        conn = await asyncpg.connect(_asyncpg_dsn(admin))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The schemathesis figures (one line per target and caller, then the total) at the end of
    the run's output, whatever pytest captured (tests/reliability/fuzzing.py)."""
    import sys

    fuzzing = sys.modules.get("tests.reliability.fuzzing")
    runs = getattr(fuzzing, "RUNS", None)
    if fuzzing is None or not runs:
        return
    terminalreporter.section("schemathesis")
    for run in runs:
        terminalreporter.write_line(run.line())
    terminalreporter.write_line(fuzzing.totals())
