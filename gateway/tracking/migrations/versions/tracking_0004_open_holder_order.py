"""Tracking: partial indexes on the open tracked cases in inbox order (holder, first and
second escalation level), so a page of the officers' inbox reads a few index entries per
held scope instead of sorting every open case of the agency.

Revision ID: tracking_0004
Revises: tracking_0003
"""

from alembic import op
from sqlalchemy import text

revision = "tracking_0004"
down_revision = "tracking_0003"
branch_labels = None
depends_on = None

ORDER = ["step_due_at", "created_at", "case_id"]
INDEXES = {
    "ix_tracked_cases_open_holder": (["step_agency", "step_role"], "status = 'open'"),
    "ix_tracked_cases_open_escalated": (["escalated_agency", "escalated_role"],
                                        "status = 'open' AND escalated_agency IS NOT NULL"),
    "ix_tracked_cases_open_escalated2": (["escalated2_agency", "escalated2_role"],
                                         "status = 'open' AND escalated2_agency IS NOT NULL"),
}


def upgrade() -> None:
    for name, (scope, where) in INDEXES.items():
        op.create_index(name, "tracked_cases", [*scope, *ORDER],
                        postgresql_where=text(where), sqlite_where=text(where))


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, "tracked_cases")
