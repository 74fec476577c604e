"""The Open311 GeoReport v2 facade: API keys, the requests posted through it, their tokens.

Revision ID: pengaduan_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "pengaduan_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(60)),
        sa.Column("partner", sa.String(200)),
        sa.Column("subject", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("revoked_by", sa.String(64)),
    )
    op.create_table(
        "open311_requests",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tracking_no", sa.String(20), nullable=False, unique=True),
        sa.Column("key_id", sa.String(36), sa.ForeignKey("open311_keys.id"), nullable=False,
                  index=True),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("long", sa.Float),
        sa.Column("address_string", sa.Text),
        sa.Column("address_id", sa.String(200)),
        sa.Column("media_url", sa.String(2000)),
        sa.Column("contact", sa.Text),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "open311_tokens",
        sa.Column("token", sa.String(36), primary_key=True),
        sa.Column("key_id", sa.String(36), sa.ForeignKey("open311_keys.id"), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("tracking_no", sa.String(20)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("open311_tokens")
    op.drop_table("open311_requests")
    op.drop_table("open311_keys")
