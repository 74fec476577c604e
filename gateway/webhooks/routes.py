"""The webhook routes (``/api/v1/webhooks/...``): subscriptions, their deliveries, replays.

For the platform admin and agency admins (:mod:`.service` says who sees what).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Response
from pydantic import AwareDatetime

from gateway.identity.deps import CurrentPrincipal, RuntimeDep, SessionDep
from gateway.webhooks import service, store
from gateway.webhooks.schemas import (
    Status,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookReplayed,
    WebhookSecretRotated,
    WebhookSubscription,
    WebhookSubscriptionCreated,
    WebhookSubscriptionForm,
    WebhookSubscriptionList,
    WebhookSubscriptionPatch,
)
from gateway.webhooks.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow
from shared.web.paging import MAX_OFFSET

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _out(row: WebhookSubscriptionRow) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id, agency=row.agency, account_id=row.account_id, url=row.url,
        event_types=list(row.event_types), sop_keys=list(row.sop_keys), active=row.active,
        paused=row.paused_at is not None, paused_at=row.paused_at,
        failing_since=row.failing_since, description=row.description,
        previous_secret_until=row.previous_until, created_at=row.created_at,
        updated_at=row.updated_at)


def _delivery(row: WebhookDeliveryRow, attempts: list[WebhookAttemptRow]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id, subscription_id=row.subscription_id, event_id=row.event_id,
        event_type=row.event_type, case_id=row.case_id, status=row.status,  # type: ignore[arg-type]
        attempts=row.attempts, next_attempt_at=row.next_attempt_at, created_at=row.created_at,
        delivered_at=row.delivered_at, dead_at=row.dead_at,
        last_status_code=row.last_status_code, last_error=row.last_error,
        history=[WebhookAttempt(at=a.at, duration_ms=a.duration_ms, outcome=a.outcome,
                         status_code=a.status_code, error=a.error,
                         response_excerpt=a.response_excerpt) for a in attempts])


def _wake(runtime: RuntimeDep, background: BackgroundTasks) -> None:
    """Wake the delivery loop once the response's transaction is committed."""
    background.add_task(service.state_of(runtime).worker.wake.set)


@router.post("/langganan", response_model=WebhookSubscriptionCreated, status_code=201)
async def create_webhook_subscription(form: WebhookSubscriptionForm, session: SessionDep,
                                      runtime: RuntimeDep, who: CurrentPrincipal
                                      ) -> WebhookSubscriptionCreated:
    """Subscribe an integration account of the caller's agency to event types (and SOPs).
    The answer holds the signing ``secret``, shown this once."""
    row, secret = await service.create(session, runtime, who, form)
    return WebhookSubscriptionCreated(**_out(row).model_dump(), secret=secret)


@router.get("/langganan", response_model=WebhookSubscriptionList)
async def list_webhook_subscriptions(session: SessionDep, who: CurrentPrincipal
                                     ) -> WebhookSubscriptionList:
    """The subscriptions of the agencies the caller administers (every one: platform admin);
    ``paused`` flags one paused after a day of failures."""
    rows = await store.subscriptions(session, service.managed(who))
    return WebhookSubscriptionList(items=[_out(r) for r in rows], total=len(rows))


@router.get("/langganan/{subscription_id}", response_model=WebhookSubscription)
async def get_webhook_subscription(subscription_id: str, session: SessionDep, who: CurrentPrincipal
                                   ) -> WebhookSubscription:
    return _out(await service.own(session, who, subscription_id))


@router.patch("/langganan/{subscription_id}", response_model=WebhookSubscription)
async def patch_webhook_subscription(subscription_id: str, patch: WebhookSubscriptionPatch,
                                     session: SessionDep, runtime: RuntimeDep,
                                     who: CurrentPrincipal, background: BackgroundTasks
                                     ) -> WebhookSubscription:
    """Change the URL, types, SOPs, description or ``active`` (``true`` resumes a paused
    subscription; its waiting deliveries go out)."""
    row = await service.own(session, who, subscription_id)
    _wake(runtime, background)
    return _out(await service.update(session, runtime, row, patch))


@router.delete("/langganan/{subscription_id}", status_code=204)
async def delete_webhook_subscription(subscription_id: str, session: SessionDep,
                                      who: CurrentPrincipal) -> Response:
    """Delete the subscription with its deliveries and their attempts."""
    await store.delete_subscription(session, await service.own(session, who, subscription_id))
    return Response(status_code=204)


@router.post("/langganan/{subscription_id}/rahasia", response_model=WebhookSecretRotated)
async def rotate_webhook_secret(subscription_id: str, session: SessionDep, runtime: RuntimeDep,
                                who: CurrentPrincipal) -> WebhookSecretRotated:
    """A new signing secret, shown this once; the previous one signs too until
    ``previous_secret_until``."""
    row = await service.own(session, who, subscription_id)
    secret, until = await service.rotate(session, runtime, row)
    return WebhookSecretRotated(id=row.id, secret=secret, previous_secret_until=until)


@router.get("/langganan/{subscription_id}/pengiriman", response_model=WebhookDeliveryPage)
async def list_webhook_deliveries(subscription_id: str, session: SessionDep, who: CurrentPrincipal,
                                  status: Status | None = None, limit: Limit = 20,
                                  offset: Offset = 0) -> WebhookDeliveryPage:
    """The subscription's deliveries, newest first, each with its attempts."""
    sub = await service.own(session, who, subscription_id)
    rows, total = await store.deliveries(session, sub.id, status, limit, offset)
    attempts = await store.attempts_of(session, [r.id for r in rows])
    return WebhookDeliveryPage(items=[_delivery(r, attempts[r.id]) for r in rows], total=total,
                        limit=limit, offset=offset)


@router.post("/pengiriman/{delivery_id}/ulang", response_model=WebhookDelivery, status_code=202)
async def replay_webhook_delivery(delivery_id: str, session: SessionDep, runtime: RuntimeDep,
                                  who: CurrentPrincipal, background: BackgroundTasks
                                  ) -> WebhookDelivery:
    """Send one delivery again (dead-lettered or delivered), with a new timestamp and
    signature; its attempt count starts over."""
    row = await service.replay_one(session, runtime, who, delivery_id)
    _wake(runtime, background)
    return _delivery(row, (await store.attempts_of(session, [row.id]))[row.id])


@router.post("/langganan/{subscription_id}/ulang", response_model=WebhookReplayed, status_code=202)
async def replay_webhook_window(subscription_id: str, session: SessionDep, runtime: RuntimeDep,
                                who: CurrentPrincipal, background: BackgroundTasks,
                                sejak: Annotated[AwareDatetime, Query()],
                                sampai: Annotated[AwareDatetime, Query()]) -> WebhookReplayed:
    """Send again every delivery of the subscription written in ``[sejak, sampai)``: at most
    7 days and 1000 deliveries (``HALO_WEBHOOKS_*``)."""
    sub = await service.own(session, who, subscription_id)
    queued = await service.replay_window(session, runtime, sub, sejak, sampai)
    _wake(runtime, background)
    return WebhookReplayed(queued=queued)


@router.post("/langganan/{subscription_id}/uji", response_model=WebhookDelivery, status_code=202)
async def ping_webhook_subscription(subscription_id: str, session: SessionDep, runtime: RuntimeDep,
                                    who: CurrentPrincipal, background: BackgroundTasks
                                    ) -> WebhookDelivery:
    """Queue a ``webhook.ping`` event to the subscription's URL (see its deliveries for the
    result)."""
    sub = await service.own(session, who, subscription_id)
    row = await service.ping(session, runtime, sub)
    _wake(runtime, background)
    return _delivery(row, [])
