"""The Alembic environment logic, once: every script folder's ``env.py`` calls :func:`run`.

Revisions run over an async engine (asyncpg or aiosqlite); folders that share a database keep
distinct version tables (``version_table`` option)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def _configure_and_run(connection: Connection) -> None:
    config = context.config
    context.configure(connection=connection, target_metadata=None,
                      version_table=config.get_main_option("version_table") or "alembic_version",
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    engine = create_async_engine(context.config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run)
        await connection.commit()
    await engine.dispose()


def run() -> None:
    asyncio.run(_main())
