"""Index shapes the case tables share (the services' ``cases`` and the gateway's
``tracked_cases``)."""

from __future__ import annotations

from sqlalchemy import Index, text

INBOX_SCOPES = (("holder", "step"), ("escalated", "escalated"), ("escalated2", "escalated2"))
"""Index name suffix and column prefix (``<prefix>_agency``, ``<prefix>_role``) of the scopes
an officer's inbox matches: the step's holder, the first and the second escalation level."""


def open_in_inbox_order(prefix: str, key: str) -> list[Index]:
    """Partial indexes of the open cases in inbox order, one per scope: ``(agency, role,
    step_due_at, created_at, key) WHERE status = 'open'`` (ascending: NULLs last on
    PostgreSQL, as the inbox orders). Migration 0010 and tracking_0004 create them."""
    found = []
    for name, scope in INBOX_SCOPES:
        where = "status = 'open'" + ("" if scope == "step" else f" AND {scope}_agency IS NOT NULL")
        found.append(Index(f"{prefix}_{name}", f"{scope}_agency", f"{scope}_role", "step_due_at",
                           "created_at", key, postgresql_where=text(where),
                           sqlite_where=text(where)))
    return found
