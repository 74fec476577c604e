"""Every webhook query (and the one read of the identity tables it needs). Functions take
the caller's session and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.identity.tables import AccountRow
from gateway.webhooks.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow

Sub = WebhookSubscriptionRow
Delivery = WebhookDeliveryRow
Attempt = WebhookAttemptRow


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def account(session: AsyncSession, account_id: str) -> AccountRow | None:
    return await session.get(AccountRow, account_id)


async def subscription(session: AsyncSession, subscription_id: str) -> Sub | None:
    return await session.get(Sub, subscription_id)


async def subscriptions(session: AsyncSession, agencies: list[str] | None) -> list[Sub]:
    """Every subscription of ``agencies`` (``None``: of every agency), oldest first."""
    query = select(Sub).order_by(col(Sub.created_at), col(Sub.id))
    if agencies is not None:
        query = query.where(col(Sub.agency).in_(agencies))
    return list(await session.scalars(query))


async def listening(session: AsyncSession, agencies: list[str]) -> list[Sub]:
    """The active subscriptions of ``agencies`` (paused ones too: their deliveries wait)."""
    return list(await session.scalars(select(Sub).where(
        col(Sub.agency).in_(agencies), col(Sub.active).is_(True)).order_by(col(Sub.id))))


async def add_delivery(session: AsyncSession, row: dict[str, Any]) -> bool:
    """Insert a delivery unless its (subscription, event) exists; whether it was new."""
    table = Delivery.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert(table) if _postgres(session) else sqlite.insert(table)
    result = await session.execute(insert.values(row).on_conflict_do_nothing(
        index_elements=["subscription_id", "event_id"]).returning(table.c.id))
    return result.scalar() is not None


async def deliveries(session: AsyncSession, subscription_id: str, status: str | None,
                     limit: int, offset: int) -> tuple[list[Delivery], int]:
    conds = [col(Delivery.subscription_id) == subscription_id]
    if status is not None:
        conds.append(col(Delivery.status) == status)
    where = and_(*conds)
    total = await session.scalar(select(func.count()).select_from(Delivery).where(where))
    rows = await session.scalars(select(Delivery).where(where).order_by(
        col(Delivery.created_at).desc(), col(Delivery.id).desc()).limit(limit).offset(offset))
    return list(rows), int(total or 0)


async def attempts_of(session: AsyncSession, delivery_ids: list[str]
                      ) -> dict[str, list[Attempt]]:
    out: dict[str, list[Attempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return out
    rows = await session.scalars(select(Attempt).where(
        col(Attempt.delivery_id).in_(delivery_ids)).order_by(col(Attempt.id)))
    for row in rows:
        out[row.delivery_id].append(row)
    return out


async def delivery(session: AsyncSession, delivery_id: str) -> Delivery | None:
    return await session.get(Delivery, delivery_id)


async def in_window(session: AsyncSession, subscription_id: str, since: datetime,
                    until: datetime, limit: int) -> list[Delivery]:
    query = (select(Delivery).where(col(Delivery.subscription_id) == subscription_id,
                                    col(Delivery.created_at) >= since,
                                    col(Delivery.created_at) < until,
                                    col(Delivery.event_type) != "webhook.ping")
             .order_by(col(Delivery.created_at), col(Delivery.id)).limit(limit))
    return list(await session.scalars(query))


async def claim_due(session: AsyncSession, now: datetime, lease_until: datetime, token: str,
                    limit: int) -> list[tuple[Delivery, Sub]]:
    """Pending deliveries that are due, of active subscriptions not paused, leased to this
    worker until ``lease_until`` (on PostgreSQL rows another worker is claiming are
    skipped)."""
    query = (select(Delivery, Sub).join(Sub, col(Sub.id) == col(Delivery.subscription_id))
             .where(col(Delivery.status) == "pending", col(Delivery.next_attempt_at) <= now,
                    col(Sub.active).is_(True), col(Sub.paused_at).is_(None))
             .order_by(col(Delivery.next_attempt_at), col(Delivery.created_at),
                       col(Delivery.case_id), col(Delivery.event_seq), col(Delivery.id))
             .limit(limit))
    if _postgres(session):
        query = query.with_for_update(of=Delivery, skip_locked=True)  # type: ignore[arg-type]
    rows = [(d, s) for d, s in (await session.execute(query)).all()]
    for row, _ in rows:
        row.next_attempt_at, row.lease_token = lease_until, token
    await session.flush()
    return rows


async def leased(session: AsyncSession, delivery_id: str, token: str) -> Delivery | None:
    """The delivery if it is still pending under this worker's lease."""
    query = select(Delivery).where(col(Delivery.id) == delivery_id,
                                   col(Delivery.status) == "pending",
                                   col(Delivery.lease_token) == token)
    if _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


async def pending_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Delivery).where(
        col(Delivery.status) == "pending")) or 0)


async def delete_subscription(session: AsyncSession, sub: Sub) -> None:
    """The subscription, its deliveries and their attempts (on every database, whether or
    not it enforces the foreign keys' cascade)."""
    ids = select(col(Delivery.id)).where(col(Delivery.subscription_id) == sub.id)
    await session.execute(delete(Attempt).where(col(Attempt.delivery_id).in_(ids)))
    await session.execute(delete(Delivery).where(col(Delivery.subscription_id) == sub.id))
    await session.delete(sub)
    await session.flush()
