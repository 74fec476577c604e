"""The consumer's handler: one delivery row per matching subscription of an event, written in
the consumer's transaction (idempotent on (subscription, event id)).

An event concerns an agency when the case's SOP is the agency's (``data.agency``), or the
step acted on or the step the case moved to is held by the agency (``actor_agency``,
``current.agency``). A subscription of that agency matches when the event's type is one of
its ``event_types`` and, if it names ``sop_keys``, the case's SOP is one of them, and the event
happened at or after the subscription's creation. The body is
the envelope exactly as the contract defines it (it carries no personal data).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.webhooks import store
from gateway.webhooks.metrics import QUEUED
from gateway.webhooks.tables import WebhookSubscriptionRow
from shared.events.envelope import EventEnvelope


def agencies_of(event: EventEnvelope) -> list[str]:
    found = {str(event.data.get("agency") or ""), event.actor_agency or "",
             (event.current.agency if event.current else None) or ""}
    return sorted(a for a in found if a)


def matches(sub: WebhookSubscriptionRow, event: EventEnvelope) -> bool:
    """The event's type and SOP are the subscription's, and it happened once the subscription
    existed: a new subscription is not sent the backlog the consumer had still to read."""
    return (event.type in sub.event_types
            and (not sub.sop_keys or event.sop_key in sub.sop_keys)
            and event.time >= sub.created_at)


def delivery_row(sub_id: str, event_id: str, event_type: str, case_id: str | None,
                 body: str, now: datetime, seq: int = 0) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "subscription_id": sub_id, "event_id": event_id,
            "event_type": event_type, "case_id": case_id, "event_seq": seq, "body": body,
            "status": "pending",
            "attempts": 0, "next_attempt_at": now, "created_at": now}


class Fanout:
    """The handler of the webhooks consumer; ``wake`` is called once a batch is committed."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    async def handle(self, session: AsyncSession, event: EventEnvelope) -> None:
        agencies = agencies_of(event)
        if not agencies:
            return
        subs = [s for s in await store.listening(session, agencies) if matches(s, event)]
        if not subs:
            return
        body = event.model_dump_json()
        now = self._clock()
        for sub in subs:
            if await store.add_delivery(session, delivery_row(
                    sub.id, event.event_id, event.type, event.case_id, body, now, event.seq)):
                QUEUED.labels("event").inc()
