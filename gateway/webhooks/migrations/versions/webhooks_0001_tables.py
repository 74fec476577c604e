"""Webhooks: subscriptions, deliveries and their attempts.

Revision ID: webhooks_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "webhooks_0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("sop_keys", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("previous_sealed", sa.Text),
        _ts("previous_until"),
        _ts("failing_since"),
        _ts("paused_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
    )
    op.create_index("ix_webhook_subscriptions_agency", "webhook_subscriptions",
                    ["agency", "active"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subscription_id", sa.String(36),
                  sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("event_seq", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("next_attempt_at"),
        sa.Column("lease_token", sa.String(36)),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.String(60)),
        _ts("created_at", nullable=False),
        _ts("delivered_at"),
        _ts("dead_at"),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries",
                    ["status", "next_attempt_at"])
    op.create_index("ix_webhook_deliveries_list", "webhook_deliveries",
                    ["subscription_id", "created_at"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.String(36),
                  sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
        _ts("at", nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.String(60)),
        sa.Column("response_excerpt", sa.Text),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])
    # The idempotent consumer's table (shared.db.tables.ProcessedEventRow). Another gateway
    # part (tracking, notifications) may already have created it: create it only if missing.
    if not sa.inspect(op.get_bind()).has_table("processed_events"):
        op.create_table(
            "processed_events",
            sa.Column("consumer", sa.String(80), primary_key=True),
            sa.Column("event_id", sa.String(36), primary_key=True),
            _ts("processed_at", nullable=False),
        )


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_delivery_id", "webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_deliveries_list", "webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_due", "webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_subscriptions_agency", "webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
    op.execute(sa.text("DELETE FROM processed_events WHERE consumer LIKE 'gateway-webhooks%'"))
