"""Identity tables: accounts, refresh-token families and tokens, audit.

Revision ID: 0001_identity
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0001_identity"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "identity_accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("nik_hash", sa.String(64)),
        sa.Column("nik_cipher", sa.Text),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("agency", sa.String(60)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        _ts("last_failed_at"),
        _ts("locked_until"),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.UniqueConstraint("email", name="uq_identity_accounts_email"),
        sa.UniqueConstraint("phone", name="uq_identity_accounts_phone"),
        sa.UniqueConstraint("nik_hash", name="uq_identity_accounts_nik_hash"),
    )
    op.create_index("ix_identity_accounts_agency", "identity_accounts", ["agency"])
    op.create_table(
        "identity_token_families",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("identity_accounts.id"),
                  nullable=False),
        _ts("created_at", nullable=False),
        _ts("revoked_at"),
        sa.Column("revoked_reason", sa.String(20)),
    )
    op.create_index("ix_identity_token_families_account_id", "identity_token_families",
                    ["account_id"])
    op.create_table(
        "identity_refresh_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("family_id", sa.String(36), sa.ForeignKey("identity_token_families.id"),
                  nullable=False),
        _ts("issued_at", nullable=False),
        _ts("expires_at", nullable=False),
        _ts("used_at"),
        sa.UniqueConstraint("token_hash", name="uq_identity_refresh_tokens_token_hash"),
    )
    op.create_index("ix_identity_refresh_tokens_family_id", "identity_refresh_tokens",
                    ["family_id"])
    op.create_table(
        "identity_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _ts("at", nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(36)),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_identity_audit_at", "identity_audit", ["at"])
    op.create_index("ix_identity_audit_target", "identity_audit", ["target"])


def downgrade() -> None:
    op.drop_table("identity_audit")
    op.drop_table("identity_refresh_tokens")
    op.drop_table("identity_token_families")
    op.drop_table("identity_accounts")
