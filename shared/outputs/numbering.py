"""Document numbers: ``<code>/<seq:04d>/<AGENCY SHORT>/<roman month>/<year>``.

E.g. ``470/0012/DISDUKCAPIL/XII/2026``. The sequence counts an agency's documents in a year
(``output_counters``); one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` statement takes
the next value, so two concurrent transactions never get the same number (PostgreSQL holds
the counter row's lock until the first commits; SQLite serialises writers).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.raw import driver_connection, fetch
from shared.db.session import is_postgres
from shared.outputs.tables import OutputCounterRow

JAKARTA = ZoneInfo("Asia/Jakarta")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
DEFAULT_CODE = "000"
"""The classification code when the SOP gives none."""


def number_around(code: str | None, agency_short: str, at: datetime) -> tuple[str, str]:
    """What a number has before and after its sequence: ``"470/"`` and
    ``"/DISDUKCAPIL/XII/2026"``."""
    local = at.astimezone(JAKARTA)
    short = "".join(c for c in agency_short.upper() if c.isalnum() or c in "-.") or "PEMDA"
    return f"{code or DEFAULT_CODE}/", f"/{short}/{ROMAN_MONTHS[local.month - 1]}/{local.year}"


def format_number(code: str | None, seq: int, agency_short: str, at: datetime) -> str:
    before, after = number_around(code, agency_short, at)
    return f"{before}{seq:04d}{after}"


COUNTER_UPSERT = ('INSERT INTO "output_counters" ("agency", "year", "next") VALUES ($1, $2, 2) '
                  'ON CONFLICT ("agency", "year") DO UPDATE '
                  'SET "next" = "output_counters"."next" + 1')
"""The counter's upsert as PostgreSQL text (``$1`` agency, ``$2`` year), without its
``RETURNING``; :mod:`shared.outputs.numbered_insert` takes it into a larger statement."""
_TAKE_SQL = f'{COUNTER_UPSERT} RETURNING "next"'
"""The statement below as PostgreSQL text, sent on the driver connection (issue 12: building
the SQLAlchemy statement cost more CPU than the statement itself)."""


@cache
def _take_statement(dialect_name: str) -> Any:
    """The counter's upsert for SQLAlchemy (SQLite, or before a transaction has begun), built
    once per dialect with bound parameters."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = OutputCounterRow.__table__  # type: ignore[attr-defined]
    stmt = dialect.insert(table).values(agency=bindparam("agency"), year=bindparam("year"),
                                        next=2)
    stmt = stmt.on_conflict_do_update(index_elements=["agency", "year"],
                                      set_={"next": table.c.next + 1})
    return stmt.returning(table.c.next)


async def next_seq(session: AsyncSession, agency: str, year: int) -> int:
    """Take the agency's next sequence number for ``year`` (in the caller's transaction)."""
    driver = await driver_connection(session)
    if driver is not None:
        taken = (await fetch(driver, _TAKE_SQL, agency, year))[0][0]
    else:
        name = "postgresql" if is_postgres(session) else "sqlite"
        taken = await session.scalar(_take_statement(name), {"agency": agency, "year": year})
    return int(taken or 2) - 1


async def take_number(session: AsyncSession, code: str | None, agency: str,
                      agency_short: str, at: datetime) -> str:
    year = at.astimezone(JAKARTA).year
    return format_number(code, await next_seq(session, agency, year), agency_short, at)
