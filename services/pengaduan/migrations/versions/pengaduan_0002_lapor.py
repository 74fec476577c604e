"""pengaduan: SP4N-LAPOR! cross-reference and push queue, confidentiality level of cases.

Revision ID: pengaduan_0002
Revises: pengaduan_0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "pengaduan_0002"
down_revision = "pengaduan_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pengaduan_lapor_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("lapor_id", sa.String(60), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("tracking_no", sa.String(20)),
        sa.Column("sop_key", sa.String(120)),
        sa.Column("agency", sa.String(60)),
        sa.Column("kategori", sa.String(60)),
        sa.Column("instansi", sa.String(60)),
        sa.Column("kerahasiaan", sa.String(10), nullable=False),
        sa.Column("reporter_sealed", sa.Text),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("pulled_at", UTCDateTime(), nullable=False),
        sa.Column("due_verify", UTCDateTime(), nullable=False),
        sa.Column("due_followup", UTCDateTime(), nullable=False),
        sa.Column("due_followup_extended", UTCDateTime(), nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False),
        sa.Column("verified_at", UTCDateTime()),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("sync_state", sa.String(14), nullable=False),
        sa.Column("last_error", sa.String(200)),
        sa.UniqueConstraint("lapor_id", name="uq_pengaduan_lapor_reports_lapor_id"),
        sa.UniqueConstraint("case_id", name="uq_pengaduan_lapor_reports_case_id"),
    )
    op.create_table(
        "pengaduan_lapor_pushes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("lapor_id", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(14), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("lapor_ref", sa.String(80)),
        sa.Column("last_error", sa.String(200)),
        sa.UniqueConstraint("source", name="uq_pengaduan_lapor_pushes_source"),
    )
    op.create_index("ix_pengaduan_lapor_pushes_report_id", "pengaduan_lapor_pushes",
                    ["report_id"])
    op.create_index("ix_pengaduan_lapor_pushes_due", "pengaduan_lapor_pushes",
                    ["status", "next_attempt_at"])
    op.create_table(
        "pengaduan_kerahasiaan",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pengaduan_kerahasiaan")
    op.drop_index("ix_pengaduan_lapor_pushes_due", "pengaduan_lapor_pushes")
    op.drop_index("ix_pengaduan_lapor_pushes_report_id", "pengaduan_lapor_pushes")
    op.drop_table("pengaduan_lapor_pushes")
    op.drop_table("pengaduan_lapor_reports")
