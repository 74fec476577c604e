"""Tracking read model: tracked cases, their events, and the consumer's processed events.

Revision ID: tracking_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "tracking_0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tracked_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("tracking_no", sa.String(20), nullable=False, unique=True),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("sop_version", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("applicant", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("step_id", sa.String(80)),
        sa.Column("step_role", sa.String(60)),
        sa.Column("step_agency", sa.String(60)),
        sa.Column("step_kind", sa.String(20)),
        _ts("step_due_at"),
        sa.Column("return_role", sa.String(60)),
        sa.Column("return_agency", sa.String(60)),
        sa.Column("last_seq", sa.Integer, nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        _ts("closed_at"),
    )
    op.create_index("ix_tracked_cases_applicant", "tracked_cases", ["applicant", "created_at"])
    op.create_index("ix_tracked_cases_holder", "tracked_cases",
                    ["status", "step_agency", "step_role", "step_due_at"])
    op.create_index("ix_tracked_cases_returned", "tracked_cases",
                    ["status", "return_agency", "return_role"])
    op.create_table(
        "tracked_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("step", sa.String(80)),
        sa.Column("action", sa.String(60)),
        sa.Column("next_step", sa.String(80)),
        sa.Column("actor_role", sa.String(60), nullable=False),
        sa.Column("actor_agency", sa.String(60)),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("at", nullable=False),
        _ts("due_at"),
        sa.UniqueConstraint("case_id", "seq", name="uq_tracked_events_case_seq"),
    )
    # The idempotent consumer's table (shared.db.tables.ProcessedEventRow). Another gateway
    # part may already have created it in this database: create it only when missing.
    if not sa.inspect(op.get_bind()).has_table("processed_events"):
        op.create_table(
            "processed_events",
            sa.Column("consumer", sa.String(80), primary_key=True),
            sa.Column("event_id", sa.String(36), primary_key=True),
            _ts("processed_at", nullable=False),
        )


def downgrade() -> None:
    op.drop_table("tracked_events")
    op.drop_index("ix_tracked_cases_returned", "tracked_cases")
    op.drop_index("ix_tracked_cases_holder", "tracked_cases")
    op.drop_index("ix_tracked_cases_applicant", "tracked_cases")
    op.drop_table("tracked_cases")
    op.execute(sa.text("DELETE FROM processed_events WHERE consumer LIKE 'gateway-tracking%'"))
