"""The webhook tables (gateway database; migrations in ``migrations/``).

``webhook_subscriptions``: an agency's receiver for one of its integration accounts: the
URL, the event types and SOP keys it wants, the secret sealed (AES-GCM under
``HALO_WEBHOOKS_KEY``; the clear secret is shown once), the previous secret while its grace
period runs, and ``failing_since``/``paused_at`` (every attempt failing for a day pauses it).

``webhook_deliveries``: one row per (subscription, event), written in the consumer's
transaction; ``body`` is the exact JSON sent (the contract's envelope, which carries no
personal data), so a replay sends the same bytes. ``pending`` until delivered (2xx) or
``dead`` after the last allowed attempt; while a worker sends, ``next_attempt_at`` is the end
of its lease and ``lease_token`` says whose.

``webhook_attempts``: every attempt (time, duration, status code, error class, the first
1 KB of the response body; never a header or the secret).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime

STATUSES = ("pending", "delivered", "dead")


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class WebhookSubscriptionRow(SQLModel, table=True):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_agency", "agency", "active"),)

    id: str = Field(primary_key=True, max_length=36)
    agency: str = Field(max_length=60)
    account_id: str = Field(max_length=64)
    """The agency's integration account (kind ``system``, role ``<agency>:integrasi``)."""
    url: str = Field(sa_column=Column(Text, nullable=False))
    event_types: list[str] = Field(sa_column=Column(JSON, nullable=False))
    sop_keys: list[str] = Field(sa_column=Column(JSON, nullable=False))
    """Empty: every SOP of the agency."""
    active: bool = True
    description: str = Field(default="", max_length=200)
    secret_sealed: str = Field(sa_column=Column(Text, nullable=False))
    previous_sealed: str | None = Field(default=None, sa_column=Column(Text))
    previous_until: datetime | None = _dt()
    """Until when the previous secret signs too (both signatures are sent)."""
    failing_since: datetime | None = _dt()
    """The first failed attempt since the last delivered one."""
    paused_at: datetime | None = _dt()
    """Set when every attempt failed for ``pause_after_s``; cleared by re-activating."""
    created_by: str = Field(max_length=64)
    created_at: datetime = _dt(nullable=False)
    updated_at: datetime = _dt(nullable=False)


class WebhookDeliveryRow(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_list", "subscription_id", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    subscription_id: str = Field(sa_column=Column(
        String(36), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False))
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=40)
    case_id: str | None = Field(default=None, max_length=36)
    event_seq: int = 0
    """The event's ``seq`` in its case (0: a ping): a round sends a case's events in order."""
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=10)
    attempts: int = 0
    """Attempts since the delivery was (re)queued: the dead-letter count."""
    next_attempt_at: datetime | None = _dt()
    lease_token: str | None = Field(default=None, max_length=36)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=60)
    created_at: datetime = _dt(nullable=False)
    delivered_at: datetime | None = _dt()
    dead_at: datetime | None = _dt()


class WebhookAttemptRow(SQLModel, table=True):
    __tablename__ = "webhook_attempts"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    delivery_id: str = Field(sa_column=Column(
        String(36), ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False,
        index=True))
    at: datetime = _dt(nullable=False)
    duration_ms: int = 0
    outcome: str = Field(max_length=10)
    """``delivered``, ``retry`` or ``dead``."""
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=60)
    """``status``, ``timeout``, ``connect``, ``refused-address`` or a transport class."""
    response_excerpt: str | None = Field(default=None, sa_column=Column(Text))
