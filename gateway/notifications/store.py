"""Every notification query (and the two reads of the identity tables it needs). Functions
take the caller's session and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.identity.tables import AccountRow
from gateway.notifications.tables import (
    NotificationAttemptRow,
    NotificationPreferenceRow,
    NotificationRow,
)

Row = NotificationRow
UNIQUE = ["event_id", "account_id", "channel", "kind"]
INSERT_CHUNK = 500


@dataclass(frozen=True)
class Contact:
    """What delivery needs of an account; never logged."""

    id: str
    email: str | None
    phone: str | None
    active: bool = True


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def contact(session: AsyncSession, account_id: str) -> Contact | None:
    row = (await session.execute(select(
        col(AccountRow.id), col(AccountRow.email), col(AccountRow.phone),
        col(AccountRow.status)).where(col(AccountRow.id) == account_id))).first()
    return Contact(row[0], row[1], row[2], row[3] == "active") if row else None


async def holders(session: AsyncSession, agency: str, role: str) -> list[Contact]:
    """Active accounts of ``agency`` holding the role ``<agency>:<role>`` (officer accounts
    belong to one agency; the role list is filtered here, the same way on every database)."""
    scope = f"{agency}:{role}"
    rows = await session.execute(select(
        col(AccountRow.id), col(AccountRow.email), col(AccountRow.phone),
        col(AccountRow.roles)).where(col(AccountRow.agency) == agency,
                                     col(AccountRow.status) == "active")
        .order_by(col(AccountRow.id)))
    return [Contact(i, e, p) for i, e, p, roles in rows if scope in (roles or [])]


async def preferences(session: AsyncSession, account_id: str
                      ) -> NotificationPreferenceRow | None:
    return await session.get(NotificationPreferenceRow, account_id)


async def save_preferences(session: AsyncSession, account_id: str, *, email: bool,
                           whatsapp: bool, language: str, now: datetime
                           ) -> NotificationPreferenceRow:
    row = await session.get(NotificationPreferenceRow, account_id)
    if row is None:
        row = NotificationPreferenceRow(account_id=account_id, updated_at=now)
        session.add(row)
    row.email, row.whatsapp, row.language, row.updated_at = email, whatsapp, language, now
    await session.flush()
    return row


async def add_all(session: AsyncSession, rows: list[dict[str, Any]]) -> list[str]:
    """Insert notifications, skipping any whose (event, account, channel, kind) exists;
    return the channels of the rows that were new."""
    table = NotificationRow.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert(table) if _postgres(session) else sqlite.insert(table)
    new: list[str] = []
    for start in range(0, len(rows), INSERT_CHUNK):  # bound the statement's parameters
        result = await session.execute(insert.values(rows[start:start + INSERT_CHUNK])
                                       .on_conflict_do_nothing(index_elements=UNIQUE)
                                       .returning(table.c.channel))
        new += [str(channel) for channel in result.scalars()]
    return new


def _feed(account_id: str, unread: bool | None) -> Any:
    conds = [col(Row.account_id) == account_id, col(Row.channel) == "inapp"]
    if unread is True:
        conds.append(col(Row.read_at).is_(None))
    elif unread is False:
        conds.append(col(Row.read_at).is_not(None))
    return and_(*conds)


async def feed(session: AsyncSession, account_id: str, unread: bool | None, limit: int,
               offset: int) -> tuple[list[Row], int]:
    where = _feed(account_id, unread)
    total = await session.scalar(select(func.count()).select_from(Row).where(where))
    rows = await session.scalars(select(Row).where(where).order_by(
        col(Row.created_at).desc(), col(Row.id).desc()).limit(limit).offset(offset))
    return list(rows), int(total or 0)


async def unread_count(session: AsyncSession, account_id: str) -> int:
    return int(await session.scalar(select(func.count()).select_from(Row).where(
        _feed(account_id, True))) or 0)


async def own(session: AsyncSession, account_id: str, notification_id: str) -> Row | None:
    return await session.scalar(select(Row).where(
        col(Row.id) == notification_id, col(Row.account_id) == account_id,
        col(Row.channel) == "inapp"))


async def read_all(session: AsyncSession, account_id: str, now: datetime) -> int:
    result = await session.execute(update(Row).where(_feed(account_id, True))
                                   .values(read_at=now))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


async def claim_due(session: AsyncSession, channels: list[str], now: datetime,
                    lease_until: datetime, limit: int) -> list[Row]:
    """Pending rows of ``channels`` that are due, leased to this worker until
    ``lease_until`` (on PostgreSQL rows another worker is claiming are skipped)."""
    query = (select(Row).where(col(Row.status) == "pending", col(Row.channel).in_(channels),
                               col(Row.next_attempt_at) <= now)
             .order_by(col(Row.next_attempt_at), col(Row.id)).limit(limit))
    if _postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = list(await session.scalars(query))
    for row in rows:
        row.next_attempt_at = lease_until
    await session.flush()
    return rows


async def pending_for_update(session: AsyncSession, notification_id: str) -> Row | None:
    query = select(Row).where(col(Row.id) == notification_id, col(Row.status) == "pending")
    if _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


def add_attempt(session: AsyncSession, row: Row, at: datetime, outcome: str,
                error: str | None, status_code: int | None) -> None:
    session.add(NotificationAttemptRow(notification_id=row.id, at=at, channel=row.channel,
                                       outcome=outcome, error=error, status_code=status_code))


async def attempts(session: AsyncSession, notification_id: str) -> list[NotificationAttemptRow]:
    return list(await session.scalars(select(NotificationAttemptRow).where(
        col(NotificationAttemptRow.notification_id) == notification_id)
        .order_by(col(NotificationAttemptRow.id))))


async def dead_unpublished(session: AsyncSession, limit: int) -> list[Row]:
    query = (select(Row).where(col(Row.status) == "dead", col(Row.dead_lettered_at).is_(None))
             .order_by(col(Row.dead_at), col(Row.id)).limit(limit))
    if _postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


async def pending_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(col(Row.channel), func.count()).where(
        col(Row.status) == "pending").group_by(col(Row.channel)))
    return {channel: int(n) for channel, n in rows}
