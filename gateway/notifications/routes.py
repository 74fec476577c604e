"""The caller's notification feed and channel preferences (``/api/v1/me/...``).

Only the caller's own in-app notifications are visible; any other id is 404
``notification-not-found`` (whether it exists is not revealed).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gateway.identity.deps import CurrentPrincipal, RuntimeDep, SessionDep
from gateway.notifications import store
from gateway.notifications.schemas import (
    Available,
    Notification,
    NotificationPage,
    Preferences,
    PreferencesForm,
    ReadAll,
)
from gateway.notifications.service import TRACKING_PATH, choice
from gateway.notifications.tables import NotificationRow
from gateway.runtime import GatewayRuntime
from shared.web.paging import MAX_OFFSET
from shared.web.problems import ProblemError

router = APIRouter(prefix="/api/v1/me", tags=["notifications"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
STATE_KEY = "notifications"


def _item(row: NotificationRow) -> Notification:
    return Notification(id=row.id, event_type=row.event_type, kind=row.kind,
                        tracking_no=row.tracking_no, service=row.service,
                        tracking_url=TRACKING_PATH.format(tracking_no=row.tracking_no),
                        title=row.title, body=row.body, created_at=row.created_at,
                        read_at=row.read_at)


def _configured(runtime: GatewayRuntime) -> tuple[bool, bool]:
    state = runtime.state.get(STATE_KEY)
    if state is None:
        return False, False
    return state.notifier.email, state.notifier.whatsapp


@router.get("/notifications", response_model=NotificationPage)
async def my_notifications(session: SessionDep, who: CurrentPrincipal,
                           unread: bool | None = None, limit: Limit = 20,
                           offset: Offset = 0) -> NotificationPage:
    """The caller's in-app notifications, newest first; ``unread=true`` only unread ones,
    ``unread=false`` only read ones. ``unread_count`` counts every unread one."""
    rows, total = await store.feed(session, who.subject, unread, limit, offset)
    return NotificationPage(items=[_item(r) for r in rows], total=total,
                            unread_count=await store.unread_count(session, who.subject),
                            limit=limit, offset=offset)


@router.post("/notifications/read-all", response_model=ReadAll)
async def read_all(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                   ) -> ReadAll:
    """Mark every unread notification of the caller as read."""
    updated = await store.read_all(session, who.subject, runtime.clock())
    return ReadAll(updated=updated, unread_count=0)


@router.post("/notifications/{notification_id}/read", response_model=Notification)
async def read_one(notification_id: str, session: SessionDep, runtime: RuntimeDep,
                   who: CurrentPrincipal) -> Notification:
    """Mark one of the caller's notifications as read (again: no change)."""
    row = await store.own(session, who.subject, notification_id[:36])
    if row is None:
        raise ProblemError(404, "notification-not-found")
    if row.read_at is None:
        row.read_at = runtime.clock()
        await session.flush()
    return _item(row)


async def _preferences(session: SessionDep, runtime: GatewayRuntime, subject: str
                       ) -> Preferences:
    email_on, whatsapp_on = _configured(runtime)
    who = await store.contact(session, subject) or store.Contact(subject, None, None)
    row = await store.preferences(session, subject)
    pick = choice(row, who, email=email_on, whatsapp=whatsapp_on)
    available = choice(None, who, email=email_on, whatsapp=whatsapp_on)
    return Preferences(email=pick.email, whatsapp=pick.whatsapp,
                       language="en" if pick.language == "en" else "id",
                       available=Available(email=available.email,
                                           whatsapp=available.whatsapp))


@router.get("/notification-preferences", response_model=Preferences)
async def get_preferences(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                          ) -> Preferences:
    """The caller's channels: in-app always; e-mail and WhatsApp as chosen (by default on
    when the account has the address and the channel is configured); the language of the
    messages (``id`` by default)."""
    return await _preferences(session, runtime, who.subject)


@router.put("/notification-preferences", response_model=Preferences)
async def put_preferences(form: PreferencesForm, session: SessionDep, runtime: RuntimeDep,
                          who: CurrentPrincipal) -> Preferences:
    """Choose e-mail and WhatsApp on or off and the language. Turning on a channel the
    account has no address for, or that is not configured, is 422 ``channel-unavailable``."""
    current = await _preferences(session, runtime, who.subject)
    for channel, wanted in (("email", form.email), ("whatsapp", form.whatsapp)):
        if wanted and not getattr(current.available, channel):
            raise ProblemError(422, "channel-unavailable", channel=channel)
    await store.save_preferences(session, who.subject, email=form.email,
                                 whatsapp=form.whatsapp, language=form.language,
                                 now=runtime.clock())
    return await _preferences(session, runtime, who.subject)
