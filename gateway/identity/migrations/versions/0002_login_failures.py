"""Failed logins of identifiers that name no account, shared by all gateway replicas.

Revision ID: 0002_login_failures
Revises: 0001_identity
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0002_login_failures"
down_revision = "0001_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_login_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("last_failed_at", UTCDateTime()),
        sa.Column("locked_until", UTCDateTime()),
    )
    op.create_index("ix_identity_login_failures_last_failed_at", "identity_login_failures",
                    ["last_failed_at"])


def downgrade() -> None:
    op.drop_index("ix_identity_login_failures_last_failed_at", "identity_login_failures")
    op.drop_table("identity_login_failures")
