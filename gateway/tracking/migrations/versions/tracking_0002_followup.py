"""Tracking: escalation levels on tracked cases (the supervisors' inbox), and the details an
applicant sees on a timeline entry (a return's reason, deadline and requested items, a
rejection's reason, an issued output, an automatic close); an index for the closed cases of an
agency in a period (the population of a satisfaction survey report).

Revision ID: tracking_0002
Revises: tracking_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "tracking_0002"
down_revision = "tracking_0001"
branch_labels = None
depends_on = None

_ESCALATION = ("escalated_agency", "escalated_role", "escalated2_agency", "escalated2_role")


def upgrade() -> None:
    with op.batch_alter_table("tracked_cases") as batch:
        for column in _ESCALATION:
            batch.add_column(sa.Column(column, sa.String(60), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
    op.create_index("ix_tracked_cases_escalated", "tracked_cases",
                    ["status", "escalated_agency", "escalated_role"])
    op.create_index("ix_tracked_cases_escalated2", "tracked_cases",
                    ["status", "escalated2_agency", "escalated2_role"])
    op.create_index("ix_tracked_cases_closed", "tracked_cases",
                    ["agency", "status", "closed_at"])
    with op.batch_alter_table("tracked_events") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("tracked_events") as batch:
        batch.drop_column("details")
    op.drop_index("ix_tracked_cases_closed", "tracked_cases")
    op.drop_index("ix_tracked_cases_escalated2", "tracked_cases")
    op.drop_index("ix_tracked_cases_escalated", "tracked_cases")
    with op.batch_alter_table("tracked_cases") as batch:
        batch.drop_column("reason")
        for column in reversed(_ESCALATION):
            batch.drop_column(column)
