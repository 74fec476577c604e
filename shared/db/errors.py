"""Telling a database that is away (stopped, restarting, unreachable, out of connections)
from a bug, for the problem handlers: the first is a 503 the caller retries, the second a 500.

While PostgreSQL is down a new connection fails in the driver before SQLAlchemy wraps
anything (``ConnectionRefusedError``; ``CannotConnectNowError`` while it starts or shuts
down); a connection lost mid-statement arrives wrapped, marked ``connection_invalidated``
(the pool then drops it and every connection older than the failure, so the process recovers
by itself once the database is back: no pre-ping, tests/shared/web/test_pool_without_ping.py).
"""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc

DRIVER_UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: connection exceptions
    asyncpg.exceptions.OperatorInterventionError,  # 57P0x: shutting down, starting up
    asyncpg.exceptions.TooManyConnectionsError,
)
CLOSED = "connection is closed"
"""asyncpg's ``InterfaceError`` for an operation begun on a connection that is already closed
(one the server ended between two of a transaction's statements on the driver connection,
shared/db/raw.py); SQLAlchemy's asyncpg dialect tells a disconnect by the same words."""
ENDED_BY_SERVER = "another operation (2) is in progress"
"""asyncpg's ``InternalClientError`` for an operation begun while the connection's protocol
is in state 2, consuming an error up to a sync point that never comes: what a connection is in
once the server has sent it an unasked error, as every idle connection gets when PostgreSQL
shuts down or ends its backend (``FATAL 57P01``), until the socket's end reaches the driver.
A request that takes such a pooled connection in that window fails at its first statement
(the act's ``BEGIN`` on the driver, shared/db/locked_row.py). Any other state in the message is
a second operation on a busy connection: a bug, still a 500."""
HANDLED: tuple[type[Exception], ...] = (ConnectionError, sa_exc.DBAPIError,
                                        sa_exc.TimeoutError, asyncpg.InterfaceError,
                                        asyncpg.exceptions.InternalClientError,
                                        *DRIVER_UNAVAILABLE)
"""The exception types a problem handler looks at with :func:`database_unavailable`."""


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be reached now, not that a query is wrong."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    # SQLAlchemy's asyncpg adapter raises its own DBAPI error with the driver's as the cause
    # ("the database system is shutting down" while a new connection is made): look down
    # the chain. A pool that waited in vain for a free connection is an overwhelmed database.
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, (ConnectionError, sa_exc.TimeoutError, *DRIVER_UNAVAILABLE)):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and str(seen) == CLOSED:
            return True
        if isinstance(seen, asyncpg.exceptions.InternalClientError) \
                and str(seen).endswith(ENDED_BY_SERVER):
            return True
        orig = getattr(seen, "orig", None)
        seen = orig if isinstance(orig, BaseException) else seen.__cause__
    return False
