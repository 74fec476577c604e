"""Emergency reports: the dispatched report and the report rate-limit counts.

Revision ID: d0001_reports
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "d0001_reports"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "damkar_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False, unique=True),
        sa.Column("tracking_no", sa.String(20), nullable=False, unique=True),
        sa.Column("jenis", sa.String(12), nullable=False),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False, index=True),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("accuracy_m", sa.Float),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("post_id", sa.String(40), nullable=False),
        sa.Column("distance_km", sa.Float, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("dispatched_at", UTCDateTime(), nullable=False),
        sa.Column("departed_at", UTCDateTime()),
        sa.Column("arrived_at", UTCDateTime()),
        sa.Column("response_s", sa.Integer),
    )
    op.create_index("ix_damkar_reports_post", "damkar_reports", ["post_id", "received_at"])
    op.create_table(
        "damkar_report_hits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_damkar_report_hits_key", "damkar_report_hits", ["scope", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_damkar_report_hits_key", "damkar_report_hits")
    op.drop_table("damkar_report_hits")
    op.drop_index("ix_damkar_reports_post", "damkar_reports")
    op.drop_table("damkar_reports")
