"""Counting the SQL statements a request sends: a ``before_cursor_execute`` listener for
SQLAlchemy's, and an observer of :func:`shared.db.raw.execute` for those the act sends on the
driver connection itself (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import raw


@contextmanager
def recorded(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """Every (statement, parameters) sent through ``engine`` inside the block."""
    seen: list[tuple[str, Any]] = []

    def listener(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                 executemany: bool) -> None:
        seen.append((statement, parameters))

    def observer(statement: str, parameters: tuple[Any, ...]) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    raw.OBSERVERS.append(observer)
    try:
        yield seen
    finally:
        raw.OBSERVERS.remove(observer)
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
