"""Rows a session's transaction has added, kept by kind for the request that answers with them.

The session's identity map holds persistent objects weakly: an added row that nobody keeps
is gone from it once flushed. The act's answer lists the documents and outputs the act wrote
(shared/web/answer_parts.py), so whoever adds one notes it here, in ``session.info``, where it
lives as long as the session.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "halo.written"


def note(session: AsyncSession, row: object) -> None:
    """``row`` was added in this session."""
    session.info.setdefault(_KEY, []).append(row)


def noted(session: AsyncSession) -> list[object]:
    """Every row noted in this session, in the order noted."""
    found: list[object] = session.info.get(_KEY, [])
    return found
