"""The parts a department adds to its service (ARCHITECTURE.md §8): its own tables through its
own Alembic folder and version table, migrated after the platform's at start and by
``python -m services.migrate``, and its background loops, run by the process that runs the
workers. Checked with a department made up for the test (a folder of one revision), and for
every real department that has tables: up, down and up again on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from services import migrate as service_migrate
from shared.web.app import ServiceSpec, create_service_app, department_migrations
from shared.web.runtime import ServiceRuntime
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

UMUM_SOPS = Path(__file__).resolve().parents[2] / "services" / "umum" / "sops"
REVISION = '''
"""a table of the test department"""
import sqlalchemy as sa
from alembic import op

revision = "d0001"
down_revision = None


def upgrade() -> None:
    op.create_table("contoh_catatan", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("contoh_catatan")
'''


def department_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text("from shared.db.alembic_env import run\n\nrun()\n")
    (folder / "script.py.mako").write_text("")
    (folder / "versions" / "d0001_catatan.py").write_text(textwrap.dedent(REVISION))
    return folder


async def tables_of(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
            return set(names)
    finally:
        await engine.dispose()


async def test_a_department_migrates_its_tables_and_runs_its_loops_at_start(
        tmp_path: Path) -> None:
    ran: list[str] = []

    async def reminders(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
        ran.append(runtime.settings.service)
        try:
            await stop.wait()
        finally:  # the stop sets the event and cancels the loops
            ran.append(f"stopped:{stop.is_set()}")

    spec = ServiceSpec(name="umum", title="Umum", sops_dir=UMUM_SOPS,
                       migrations=department_folder(tmp_path), background=[reminders])
    assert department_migrations(spec) == (spec.migrations, "alembic_version_umum")
    url = f"sqlite+aiosqlite:///{tmp_path / 'umum.db'}"
    settings = replace(service_settings("umum", url, tmp_path), workers=True)
    app = create_service_app(spec, settings, wiring(TestTokens()))
    async with running(app) as client:
        assert (await client.get("/readyz")).status_code == 200
        await asyncio.sleep(0)
        assert ran == ["umum"]
        tables = await tables_of(url)
        assert {"contoh_catatan", "alembic_version_umum", "alembic_version", "cases"} <= tables
    assert ran == ["umum", "stopped:True"]


async def test_no_loop_runs_in_a_process_without_workers(tmp_path: Path) -> None:
    ran: list[str] = []

    async def loop(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
        ran.append("ran")

    spec = ServiceSpec(name="umum", title="Umum", sops_dir=UMUM_SOPS, background=[loop])
    url = f"sqlite+aiosqlite:///{tmp_path / 'umum.db'}"
    app = create_service_app(spec, service_settings("umum", url, tmp_path), wiring(TestTokens()))
    async with running(app) as client:
        assert (await client.get("/readyz")).status_code == 200
    assert ran == []


def departments_with_tables() -> list[str]:
    return [s for s in service_migrate.SERVICES
            if department_migrations(service_migrate.spec_of(s)) is not None]


def test_the_command_migrates_the_platform_for_a_service_without_tables(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'umum.db'}"
    assert service_migrate.main(["umum", "upgrade", url]) == 0
    assert "cases" in asyncio.run(tables_of(url))
    assert service_migrate.main(["umum", "downgrade", url]) == 0
    assert "cases" not in asyncio.run(tables_of(url))
    assert service_migrate.main(["nowhere", "upgrade", url]) == 2


@pytest.mark.parametrize("service", departments_with_tables())
def test_a_department_s_tables_go_up_down_and_up_on_sqlite(service: str,
                                                           tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"
    _up_down_up(service, url)


@pytest.mark.integration
@pytest.mark.parametrize("service", departments_with_tables())
def test_a_department_s_tables_go_up_down_and_up_on_postgresql(service: str,
                                                               fresh_pg_url: str) -> None:
    _up_down_up(service, fresh_pg_url)


def _up_down_up(service: str, url: str) -> None:
    assert service_migrate.upgrade_all(service, url) == ["platform", service]
    first = asyncio.run(tables_of(url))
    assert f"alembic_version_{service}" in first and "cases" in first
    assert service_migrate.downgrade_all(service, url) == [service, "platform"]
    left = asyncio.run(tables_of(url)) - {"alembic_version", f"alembic_version_{service}"}
    assert left == set(), left
    service_migrate.upgrade_all(service, url)
    assert asyncio.run(tables_of(url)) == first
