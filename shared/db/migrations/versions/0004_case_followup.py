"""Case follow-up: the return reason and what the return asked for, the reminder before a
due time, the automatic confirmation of receipt, two escalation levels, and structured data
on history rows.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PARTIAL = {"remind_at": "ix_cases_remind", "auto_complete_at": "ix_cases_auto_complete",
            "escalate_next_at": "ix_cases_escalate_next"}


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("return_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("requested_documents", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("requested_fields", sa.JSON(), nullable=False,
                                   server_default="[]"))
        for column in _PARTIAL:
            batch.add_column(sa.Column(column, UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("escalation_level", sa.Integer(), nullable=False,
                                   server_default="0"))
        for column in ("escalated_agency", "escalated_role", "escalated2_agency",
                       "escalated2_role"):
            batch.add_column(sa.Column(column, sa.String(length=60), nullable=True))
    for column, name in _PARTIAL.items():
        where = sa.text(f"status = 'open' AND {column} IS NOT NULL")
        op.create_index(name, "cases", [column], postgresql_where=where, sqlite_where=where)
    op.create_index("ix_cases_escalated", "cases",
                    ["status", "escalated_agency", "escalated_role"])
    op.create_index("ix_cases_escalated2", "cases",
                    ["status", "escalated2_agency", "escalated2_role"])
    # case_history is append-only (triggers of 0002 refuse UPDATE): adding a column with a
    # default is DDL, not an UPDATE of rows, so the triggers do not fire.
    with op.batch_alter_table("case_history") as batch:
        batch.add_column(sa.Column("data", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("case_history") as batch:
        batch.drop_column("data")
    op.drop_index("ix_cases_escalated2", "cases")
    op.drop_index("ix_cases_escalated", "cases")
    for name in _PARTIAL.values():
        op.drop_index(name, "cases")
    with op.batch_alter_table("cases") as batch:
        for column in ("escalated2_role", "escalated2_agency", "escalated_role",
                       "escalated_agency", "escalation_level", *_PARTIAL,
                       "requested_fields", "requested_documents", "return_reason"):
            batch.drop_column(column)
