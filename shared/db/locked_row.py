"""One ORM row locked ``FOR UPDATE`` and read on the driver connection, as the ORM would load it.

The act's first statement is the locked read of its case (40 columns). Through the session
it paid SQLAlchemy's whole execution path (the greenlet hop, the cursor adapter, the
compiled-cache lookup, result and ORM loading): 0.5 ms of CPU on this machine against
0.2 ms for the same ``SELECT`` on the asyncpg connection with the instance built here
(issue 12, ``docs/benchmarks.md``). The instance is the one the ORM would have made: each
column's value through its type's result processor for the dialect (``UTCDateTime`` marks
UTC; JSON is decoded by the codec SQLAlchemy installs on the connection), created by the
class manager as loading does, and attached to the session as persistent with no changes
pending (:func:`sqlalchemy.orm.make_transient_to_detached`, then ``add``). Changes made to
it afterwards are tracked and flushed as on any loaded row.

:func:`begun_driver` sends the transaction's ``BEGIN`` itself when SQLAlchemy has not sent
it yet, through the same asyncpg transaction object SQLAlchemy's adapter keeps, so the
session's commit or rollback ends it as before. An error of the driver here is asyncpg's own
(a lost connection is a ``PostgresConnectionError``: 503, :mod:`shared.db.errors`).

Anywhere this cannot apply (SQLite, an adapter without that transaction, a row the session
already holds) :meth:`LockedRow.get` answers ``NOT_HERE`` and the caller reads through the
ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import asyncpg
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from shared.db.raw import adapter_and_driver, fetch
from shared.db.session import is_postgres

Model = TypeVar("Model")
NOT_HERE: Any = object()
"""What :meth:`LockedRow.get` answers when the caller should use the ORM instead."""


async def begun_driver(session: AsyncSession) -> asyncpg.Connection | None:
    """The asyncpg connection of the session's transaction, ``BEGIN`` sent (see the module);
    None when the session is not on PostgreSQL or its adapter is not the one known here."""
    if not is_postgres(session):
        return None
    found = await adapter_and_driver(session)
    if found is None:
        return None
    adapter, driver = found
    if driver.is_closed():  # the server ended it (a restart) while it sat in the pool: the
        return None  # ORM's statement fails as a lost connection, 503, and the pool drops it
    mutex = getattr(adapter, "_execute_mutex", None)
    if mutex is None or not hasattr(adapter, "_transaction"):
        return None
    if adapter._transaction is None:
        if getattr(adapter, "isolation_level", None) == "autocommit":
            return None
        async with mutex:  # as the adapter's own cursor starts it
            if adapter._transaction is None:
                transaction = driver.transaction(isolation=adapter.isolation_level,
                                                 readonly=adapter.readonly,
                                                 deferrable=adapter.deferrable)
                await transaction.start()
                adapter._transaction = transaction
    return driver


class LockedRow(Generic[Model]):
    """``SELECT <every column> FROM <table> WHERE <key> = $1 FOR UPDATE`` for ``model``."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        mapper = sa_inspect(model)
        table = mapper.local_table
        (key,) = table.primary_key.columns
        self.key = key.name
        self.columns = tuple(c.name for c in table.columns)
        names = ", ".join(f'"{c}"' for c in self.columns)
        self.sql = f'SELECT {names} FROM "{table.name}" WHERE "{key.name}" = $1 FOR UPDATE'
        self._mapper = mapper
        self._processors: dict[str, tuple[Callable[[Any], Any] | None, ...]] = {}

    def processors(self, dialect: Dialect) -> tuple[Callable[[Any], Any] | None, ...]:
        """Each column's result processor for ``dialect``, in column order (built once)."""
        found = self._processors.get(dialect.name)
        if found is None:
            table = self._mapper.local_table
            found = self._processors[dialect.name] = tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None)
                for c in table.columns)
        return found

    async def get(self, session: AsyncSession, key: Any) -> Model | None:
        """The row with primary key ``key``, locked until the transaction ends, as a
        persistent instance of the session; None when there is none; ``NOT_HERE``."""
        if self._mapper.identity_key_from_primary_key([key]) in session.identity_map:
            return NOT_HERE  # type: ignore[no-any-return]
        driver = await begun_driver(session)
        if driver is None:
            return NOT_HERE  # type: ignore[no-any-return]
        records = await fetch(driver, self.sql, key)  # seen by the statement counters too
        if not records:
            return None
        record = records[0]
        instance = self._mapper.class_manager.new_instance()
        values = instance.__dict__
        for name, process, value in zip(self.columns,
                                        self.processors(session.get_bind().dialect), record,
                                        strict=True):
            values[name] = value if process is None or value is None else process(value)
        make_transient_to_detached(instance)
        session.add(instance)
        return instance  # type: ignore[no-any-return]
