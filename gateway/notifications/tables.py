"""The notification tables (gateway database; migrations in ``migrations/``).

``notifications`` holds one row per (event, account, channel, kind): the in-app row is the
feed itself (``status='sent'`` from the start, ``read_at`` when read); e-mail and WhatsApp
rows are ``pending`` until the delivery worker sends them (``sent``) or gives up (``dead``).
``kind`` is ``status`` for the message about the event and ``survey`` for the survey
invitation some closing events add. Bodies are rendered from the templates and hold no
personal data (tracking number, service, agency, status only); the address is looked up in
the identity tables at send time and never stored here.

``notification_attempts`` records every delivery attempt (time, outcome, error class,
status code; never a body). ``notification_preferences`` holds an account's channel
choices and language; an account without a row gets the defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime

CHANNELS = ("inapp", "email", "whatsapp")
STATUSES = ("pending", "sent", "dead")


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class NotificationRow(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "account_id", "channel", "kind",
                         name="uq_notifications_event_account_channel"),
        Index("ix_notifications_feed", "account_id", "channel", "created_at"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    event_id: str = Field(max_length=36)
    account_id: str = Field(max_length=64)
    channel: str = Field(max_length=10)
    kind: str = Field(default="status", max_length=10)
    event_type: str = Field(max_length=40)
    audience: str = Field(max_length=12)
    """``applicant``, ``officer`` (the case is in their queue) or ``supervisor``."""
    case_id: str = Field(max_length=36)
    service: str = Field(max_length=40)
    tracking_no: str = Field(max_length=20)
    language: str = Field(default="id", max_length=2)
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    template: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    """A WhatsApp template (name and parameter values) when the text form is not used."""
    status: str = Field(max_length=8)
    attempts: int = 0
    next_attempt_at: datetime | None = _dt()
    """When the worker may try (again); while a worker sends, the end of its lease."""
    error: str | None = Field(default=None, max_length=60)
    """The last attempt's error class."""
    provider_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = _dt(nullable=False)
    sent_at: datetime | None = _dt()
    read_at: datetime | None = _dt()
    dead_at: datetime | None = _dt()
    dead_lettered_at: datetime | None = _dt()
    """When the dead row was published to ``halo.notifications.dead-letter.v1``."""


class NotificationAttemptRow(SQLModel, table=True):
    __tablename__ = "notification_attempts"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    notification_id: str = Field(sa_column=Column(
        String(36), ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False,
        index=True))
    at: datetime = _dt(nullable=False)
    channel: str = Field(max_length=10)
    outcome: str = Field(max_length=8)
    """``sent``, ``retry`` (a retryable failure, tried again later) or ``dead``."""
    error: str | None = Field(default=None, max_length=60)
    status_code: int | None = None


class NotificationPreferenceRow(SQLModel, table=True):
    __tablename__ = "notification_preferences"

    account_id: str = Field(primary_key=True, max_length=64)
    email: bool = True
    whatsapp: bool = True
    language: str = Field(default="id", max_length=2)
    updated_at: datetime = _dt(nullable=False)
