"""One written form for every time the platform answers with: RFC 3339 in UTC, ``Z``.

The clocks run in Asia/Jakarta and the database hands back UTC, so without this the same due
time reads ``2026-11-30T16:00:00+07:00`` in one response and ``2026-11-30T09:00:00Z`` in the
next. Response models declare their times as :data:`UtcDatetime`; event data that carries a
time as text uses :func:`utc_text`. Front ends localise to Asia/Jakarta (WIB) for display.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def utc_text(value: datetime) -> str:
    """``value`` in UTC as RFC 3339 with ``Z`` (a naive value is taken as UTC: the database
    column type stores UTC)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


UtcDatetime = Annotated[
    datetime,
    PlainSerializer(utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time",
                    "description": "RFC 3339, UTC (Z)"}),
]
"""A datetime that a JSON response writes as RFC 3339 in UTC with ``Z``."""
