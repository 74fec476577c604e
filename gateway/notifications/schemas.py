"""Request and response bodies of the notification endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.times import UtcDatetime


class Notification(BaseModel):
    id: str
    event_type: str
    """The case event it is about (``case.returned``, ...)."""
    kind: str
    """``status``, or ``survey`` for an invitation to rate the service."""
    tracking_no: str
    service: str
    tracking_url: str
    title: str
    body: str
    created_at: UtcDatetime
    read_at: UtcDatetime | None


class NotificationPage(BaseModel):
    items: list[Notification]
    total: int
    unread_count: int
    limit: int
    offset: int


class ReadAll(BaseModel):
    updated: int
    unread_count: int


class Available(BaseModel):
    email: bool
    """The account has an e-mail address and e-mail is configured."""
    whatsapp: bool
    """The account has a WhatsApp number and the WhatsApp adapter is configured."""


class Preferences(BaseModel):
    in_app: bool = True
    """Always on: the feed holds every notification."""
    email: bool
    whatsapp: bool
    language: Literal["id", "en"]
    available: Available


class PreferencesForm(BaseModel):
    """Channel choices; the in-app feed cannot be turned off."""

    model_config = ConfigDict(extra="forbid")
    in_app: Literal[True] | None = Field(default=None, description="Always true.")
    email: bool
    whatsapp: bool
    language: Literal["id", "en"] = "id"
