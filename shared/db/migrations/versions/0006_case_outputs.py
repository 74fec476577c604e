"""output documents of cases (owner: outputs work).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "case_outputs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("step_id", sa.String(80), nullable=False),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("sop_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("verify_code", sa.String(40), nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("signer_role", sa.String(60), nullable=False),
        sa.Column("signer_id", sa.String(64), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("holder_masked", sa.String(200)),
        _ts("created_at", nullable=False),
        _ts("issued_at"),
        _ts("valid_until"),
        _ts("revoked_at"),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("revoke_reason", sa.Text),
        sa.Column("storage_path", sa.String(300)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("size", sa.Integer),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_error", sa.String(300)),
        sa.UniqueConstraint("case_id", "kind", "step_id", "seq",
                            name="uq_case_outputs_case_issue"),
    )
    op.create_index("ix_case_outputs_case_id", "case_outputs", ["case_id"])
    op.create_index("ix_case_outputs_due", "case_outputs", ["status", "next_attempt_at"])
    op.create_table(
        "output_counters",
        sa.Column("agency", sa.String(60), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("next", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("output_counters")
    op.drop_index("ix_case_outputs_due", table_name="case_outputs")
    op.drop_index("ix_case_outputs_case_id", table_name="case_outputs")
    op.drop_table("case_outputs")
