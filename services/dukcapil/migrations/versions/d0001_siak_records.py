"""dukcapil: the SIAK records of issued documents (sent and retried by the service).

Revision ID: d0001_siak_records
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "d0001_siak_records"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dukcapil_siak_records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("document_number", sa.String(80), nullable=False),
        sa.Column("verify_code", sa.String(40)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("siak_ref", sa.String(80)),
        sa.Column("last_error", sa.String(200)),
        sa.UniqueConstraint("case_id", "document_number", name="uq_dukcapil_siak_records_doc"),
    )
    op.create_index("ix_dukcapil_siak_records_case_id", "dukcapil_siak_records", ["case_id"])
    op.create_index("ix_dukcapil_siak_records_due", "dukcapil_siak_records",
                    ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_dukcapil_siak_records_due", "dukcapil_siak_records")
    op.drop_index("ix_dukcapil_siak_records_case_id", "dukcapil_siak_records")
    op.drop_table("dukcapil_siak_records")
