"""Request and response bodies of the webhook routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.web.text import Line

Url = Annotated[str, Field(min_length=8, max_length=2000)]
EventTypes = Annotated[list[Annotated[str, Field(max_length=40)]],
                       Field(min_length=1, max_length=20)]
SopKeys = Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=50)]
Description = Annotated[Line, Field(max_length=200)]
Status = Literal["pending", "delivered", "dead"]


class WebhookSubscriptionForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_id: Annotated[str, Field(min_length=1, max_length=64)]
    """The agency's integration account (role ``<agency>:integrasi``) the hooks are for."""
    url: Url
    event_types: EventTypes
    """Types of the event contract (``case.submitted``, ``case.step_completed``, ...)."""
    sop_keys: SopKeys = []
    """SOPs of the agency; empty: every SOP the agency's events concern."""
    active: bool = True
    description: Description = ""


class WebhookSubscriptionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url | None = None
    event_types: EventTypes | None = None
    sop_keys: SopKeys | None = None
    active: bool | None = None
    """``true`` also resumes a subscription paused after a day of failures."""
    description: Description | None = None


class WebhookSubscription(BaseModel):
    id: str
    agency: str
    account_id: str
    url: str
    event_types: list[str]
    sop_keys: list[str]
    active: bool
    paused: bool
    """Paused after every attempt failed for a day; nothing is sent until re-activated."""
    paused_at: datetime | None
    failing_since: datetime | None
    description: str
    previous_secret_until: datetime | None
    """While set and in the future, the previous secret signs too."""
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreated(WebhookSubscription):
    secret: str
    """The signing secret, shown this once (``whsec_`` and 64 hex digits)."""


class WebhookSubscriptionList(BaseModel):
    items: list[WebhookSubscription]
    total: int


class WebhookSecretRotated(BaseModel):
    id: str
    secret: str
    """The new signing secret, shown this once."""
    previous_secret_until: datetime
    """Until then both secrets sign (two ``v1=`` in ``Halo-Webhook-Signature``)."""


class WebhookAttempt(BaseModel):
    at: datetime
    duration_ms: int
    outcome: str
    status_code: int | None
    error: str | None
    response_excerpt: str | None
    """The first 1 KB of the receiver's answer."""


class WebhookDelivery(BaseModel):
    id: str
    subscription_id: str
    event_id: str
    event_type: str
    case_id: str | None
    status: Status
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    history: list[WebhookAttempt]


class WebhookDeliveryPage(BaseModel):
    items: list[WebhookDelivery]
    total: int
    limit: int
    offset: int


class WebhookReplayed(BaseModel):
    queued: int
    """Deliveries queued to be sent again (at once)."""
