"""Notifications: the notifications, their delivery attempts, and channel preferences.

Revision ID: notifications_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "notifications_0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("audience", sa.String(12), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("tracking_no", sa.String(20), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("template", sa.JSON),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("next_attempt_at"),
        sa.Column("error", sa.String(60)),
        sa.Column("provider_id", sa.String(200)),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        _ts("read_at"),
        _ts("dead_at"),
        _ts("dead_lettered_at"),
        sa.UniqueConstraint("event_id", "account_id", "channel", "kind",
                            name="uq_notifications_event_account_channel"),
    )
    op.create_index("ix_notifications_feed", "notifications",
                    ["account_id", "channel", "created_at"])
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])
    op.create_table(
        "notification_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("notification_id", sa.String(36),
                  sa.ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False),
        _ts("at", nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("error", sa.String(60)),
        sa.Column("status_code", sa.Integer),
    )
    op.create_index("ix_notification_attempts_notification_id", "notification_attempts",
                    ["notification_id"])
    op.create_table(
        "notification_preferences",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("email", sa.Boolean, nullable=False),
        sa.Column("whatsapp", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        _ts("updated_at", nullable=False),
    )
    # The idempotent consumer's table (shared.db.tables.ProcessedEventRow). Another gateway
    # part (tracking) may already have created it in this database: create it only if missing.
    if not sa.inspect(op.get_bind()).has_table("processed_events"):
        op.create_table(
            "processed_events",
            sa.Column("consumer", sa.String(80), primary_key=True),
            sa.Column("event_id", sa.String(36), primary_key=True),
            _ts("processed_at", nullable=False),
        )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    op.drop_index("ix_notification_attempts_notification_id", "notification_attempts")
    op.drop_table("notification_attempts")
    op.drop_index("ix_notifications_due", "notifications")
    op.drop_index("ix_notifications_feed", "notifications")
    op.drop_table("notifications")
    op.execute(sa.text(
        "DELETE FROM processed_events WHERE consumer LIKE 'gateway-notifications%'"))
