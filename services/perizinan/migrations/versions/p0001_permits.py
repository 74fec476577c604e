"""The permit registry: permits and their expiry reminders.

Revision ID: p0001_permits
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "p0001_permits"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "permits",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("case_id", sa.String(36), nullable=False, index=True),
        sa.Column("output_id", sa.String(36), unique=True),
        sa.Column("verify_code", sa.String(40)),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("profession", sa.String(80)),
        sa.Column("holder_account", sa.String(64), nullable=False, index=True),
        sa.Column("holder_name", sa.Text),
        sa.Column("holder_masked", sa.String(200)),
        sa.Column("nik", sa.Text),
        sa.Column("nik_hash", sa.String(64)),
        sa.Column("place_name", sa.String(200)),
        sa.Column("place_key", sa.String(200)),
        sa.Column("address", sa.Text),
        sa.Column("address_masked", sa.String(200)),
        sa.Column("str_number", sa.Text),
        sa.Column("str_masked", sa.String(80)),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("valid_until", UTCDateTime()),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("replaced_by", sa.String(36)),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("revoke_reason", sa.Text),
    )
    op.create_index("ix_permits_holder", "permits", ["nik_hash", "profession", "status"])
    op.create_index("ix_permits_expiry", "permits", ["status", "valid_until"])
    op.create_table(
        "permit_reminders",
        sa.Column("permit_id", sa.String(36), sa.ForeignKey("permits.id"), primary_key=True),
        sa.Column("days", sa.Integer, primary_key=True),
        sa.Column("notice_id", sa.String(36), nullable=False, unique=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("permit_reminders")
    op.drop_index("ix_permits_expiry", "permits")
    op.drop_index("ix_permits_holder", "permits")
    op.drop_table("permits")
