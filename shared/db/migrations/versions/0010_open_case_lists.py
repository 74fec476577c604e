"""Lists at scale: partial indexes on the open cases in inbox order, so an officer's inbox
page reads a few index entries per held scope instead of sorting every open case of the
agency (step holder, and the first and second escalation level). Ascending on PostgreSQL
puts NULLs last, as ``ORDER BY step_due_at ASC NULLS LAST, created_at, id`` asks.

Revision ID: 0010
Revises: 0009
"""

from alembic import op
from sqlalchemy import text

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ORDER = ["step_due_at", "created_at", "id"]
INDEXES = {
    "ix_cases_open_holder": (["step_agency", "step_role"], "status = 'open'"),
    "ix_cases_open_escalated": (["escalated_agency", "escalated_role"],
                                "status = 'open' AND escalated_agency IS NOT NULL"),
    "ix_cases_open_escalated2": (["escalated2_agency", "escalated2_role"],
                                 "status = 'open' AND escalated2_agency IS NOT NULL"),
}


def upgrade() -> None:
    for name, (scope, where) in INDEXES.items():
        op.create_index(name, "cases", [*scope, *ORDER], postgresql_where=text(where),
                        sqlite_where=text(where))


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, "cases")
