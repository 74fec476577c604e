"""Subscriptions and replays: what the webhook routes do. Functions take the request's
session and never commit (the session dependency does, once).

Who: the platform admin for every agency; an agency's admin (``<agency>:admin``) for that
agency's subscriptions only. Another agency's subscription is 404 ``webhook-not-found`` (its
existence is not revealed); a caller who administers no agency is 403 ``forbidden``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.catalog.merge import merged_catalog
from gateway.runtime import GatewayRuntime
from gateway.webhooks import store, urls
from gateway.webhooks.delivery import WebhookWorker
from gateway.webhooks.fanout import delivery_row
from gateway.webhooks.metrics import QUEUED
from gateway.webhooks.schemas import WebhookSubscriptionForm, WebhookSubscriptionPatch
from gateway.webhooks.settings import WebhookSettings
from gateway.webhooks.signing import new_secret
from gateway.webhooks.tables import WebhookDeliveryRow, WebhookSubscriptionRow
from shared.engine.access import INTEGRATION_ROLE
from shared.engine.state import Principal
from shared.events.consumer import EventConsumer
from shared.events.contract import CASE_EVENT_TYPES
from shared.web.problems import ProblemError

STATE_KEY = "webhooks"
PING = "webhook.ping"


@dataclass
class WebhooksState:
    settings: WebhookSettings
    worker: WebhookWorker
    consumer: EventConsumer
    resolver: urls.Resolver = urls.resolve
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)


def state_of(runtime: GatewayRuntime) -> WebhooksState:
    state: WebhooksState = runtime.state[STATE_KEY]
    return state


def managed(who: Principal) -> list[str] | None:
    """The agencies ``who`` administers (``None``: every one, the platform admin)."""
    if who.is_admin:
        return None
    found = sorted(r.split(":", 1)[0] for r in who.roles if r.endswith(":admin"))
    if not found:
        raise ProblemError(403, "forbidden")
    return found


async def own(session: AsyncSession, who: Principal, subscription_id: str
              ) -> WebhookSubscriptionRow:
    agencies = managed(who)
    row = await store.subscription(session, subscription_id[:36])
    if row is None or (agencies is not None and row.agency not in agencies):
        raise ProblemError(404, "webhook-not-found")
    return row


async def _integration_agency(session: AsyncSession, who: Principal, account_id: str) -> str:
    agencies = managed(who)
    account = await store.account(session, account_id)
    ok = (account is not None and account.kind == "system" and account.status == "active"
          and account.agency is not None
          and f"{account.agency}:{INTEGRATION_ROLE}" in (account.roles or [])
          and (agencies is None or account.agency in agencies))
    if not ok or account is None or account.agency is None:
        safe = account_id if account_id.isprintable() else "?"
        raise ProblemError(422, "webhook-account-invalid", account_id=safe)
    return account.agency


def _event_types(types: list[str]) -> list[str]:
    for event_type in types:
        if event_type not in CASE_EVENT_TYPES:
            safe = event_type if event_type.isprintable() else "?"
            raise ProblemError(422, "webhook-event-type-unknown", event_type=safe)
    return sorted(set(types))


async def _sop_keys(runtime: GatewayRuntime, agency: str, keys: list[str]) -> list[str]:
    """The SOP keys, each a service of ``agency`` in the catalog."""
    if not keys:
        return []
    merged = await merged_catalog(runtime)
    agency_of = {str(e["key"]): str(e["agency"]) for e in merged.entries}
    for key in keys:
        safe = key if key.isprintable() else "?"
        if key not in agency_of:
            if merged.unavailable:
                raise ProblemError(503, "webhook-catalog-unavailable")
            raise ProblemError(422, "webhook-sop-unknown", sop_key=safe)
        if agency_of[key] != agency:
            raise ProblemError(422, "webhook-sop-not-agency", sop_key=safe, agency=agency)
    return sorted(set(keys))


async def _url(runtime: GatewayRuntime, url: str) -> str:
    state = state_of(runtime)
    await urls.require(url, production=state.settings.production,
                       allow_http_local=state.settings.allow_http_local,
                       resolver=state.resolver)
    return url


async def create(session: AsyncSession, runtime: GatewayRuntime, who: Principal,
                 form: WebhookSubscriptionForm) -> tuple[WebhookSubscriptionRow, str]:
    """A new subscription and its secret in clear (shown once)."""
    agency = await _integration_agency(session, who, form.account_id)
    url = await _url(runtime, form.url)
    types = _event_types(form.event_types)
    keys = await _sop_keys(runtime, agency, form.sop_keys)
    secret = new_secret()
    now = runtime.clock()
    row = WebhookSubscriptionRow(
        id=str(uuid.uuid4()), agency=agency, account_id=form.account_id, url=url,
        event_types=types, sop_keys=keys, active=form.active, description=form.description,
        secret_sealed=state_of(runtime).worker.box.seal(secret), created_by=who.subject,
        created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    return row, secret


async def update(session: AsyncSession, runtime: GatewayRuntime, row: WebhookSubscriptionRow,
                 patch: WebhookSubscriptionPatch) -> WebhookSubscriptionRow:
    if patch.url is not None:
        row.url = await _url(runtime, patch.url)
    if patch.event_types is not None:
        row.event_types = _event_types(patch.event_types)
    if patch.sop_keys is not None:
        row.sop_keys = await _sop_keys(runtime, row.agency, patch.sop_keys)
    if patch.description is not None:
        row.description = patch.description
    if patch.active is not None:
        row.active = patch.active
        if patch.active:  # resuming: the failures so far no longer count
            row.paused_at, row.failing_since = None, None
    row.updated_at = runtime.clock()
    await session.flush()
    return row


async def rotate(session: AsyncSession, runtime: GatewayRuntime, row: WebhookSubscriptionRow
                 ) -> tuple[str, datetime]:
    """A new secret; the current one keeps signing for the grace period."""
    state = state_of(runtime)
    now = runtime.clock()
    secret = new_secret()
    row.previous_sealed, row.secret_sealed = row.secret_sealed, state.worker.box.seal(secret)
    row.previous_until = now + state.settings.rotation_grace
    row.updated_at = now
    await session.flush()
    return secret, row.previous_until


def _requeue(row: WebhookDeliveryRow, now: datetime) -> None:
    row.status, row.attempts, row.next_attempt_at = "pending", 0, now
    row.lease_token, row.dead_at, row.delivered_at = None, None, None
    QUEUED.labels("replay").inc()


async def replay_one(session: AsyncSession, runtime: GatewayRuntime, who: Principal,
                     delivery_id: str) -> WebhookDeliveryRow:
    managed(who)
    row = await store.delivery(session, delivery_id[:36])
    if row is None:
        raise ProblemError(404, "webhook-delivery-not-found")
    try:
        await own(session, who, row.subscription_id)
    except ProblemError:
        raise ProblemError(404, "webhook-delivery-not-found") from None
    _requeue(row, runtime.clock())
    await session.flush()
    return row


async def replay_window(session: AsyncSession, runtime: GatewayRuntime,
                        sub: WebhookSubscriptionRow, since: datetime, until: datetime) -> int:
    conf = state_of(runtime).settings
    if not since < until or until - since > timedelta(seconds=conf.replay_window_s):
        raise ProblemError(422, "webhook-window-invalid",
                           days=int(conf.replay_window_s // 86400))
    rows = await store.in_window(session, sub.id, since, until, conf.replay_limit)
    now = runtime.clock()
    for row in rows:
        _requeue(row, now)
    await session.flush()
    return len(rows)


async def ping(session: AsyncSession, runtime: GatewayRuntime, sub: WebhookSubscriptionRow
               ) -> WebhookDeliveryRow:
    """A ``webhook.ping`` delivery, sent by the loop like any other."""
    now = runtime.clock()
    event_id = str(uuid.uuid4())
    body = json.dumps({"spec_version": "1", "event_id": event_id, "type": PING,
                       "subscription_id": sub.id, "agency": sub.agency,
                       "time": now.isoformat()}, separators=(",", ":"))
    values = delivery_row(sub.id, event_id, PING, None, body, now)
    await store.add_delivery(session, values)
    QUEUED.labels("ping").inc()
    row = await store.delivery(session, str(values["id"]))
    assert row is not None
    return row
