"""One-time codes by phone and their rate-limit counts.

Revision ID: o0001_otp
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "o0001_otp"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "otp_codes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("used_at", UTCDateTime()),
        sa.Column("voided_at", UTCDateTime()),
    )
    op.create_index("ix_otp_codes_phone", "otp_codes", ["phone_hash", "purpose", "created_at"])
    op.create_table(
        "otp_hits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_otp_hits_key", "otp_hits", ["scope", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_otp_hits_key", "otp_hits")
    op.drop_table("otp_hits")
    op.drop_index("ix_otp_codes_phone", "otp_codes")
    op.drop_table("otp_codes")
