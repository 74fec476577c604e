"""Every identity query. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.identity.tables import (
    AccountRow,
    AuditRow,
    LoginFailureRow,
    RefreshTokenRow,
    TokenFamilyRow,
)

LOGIN_COLUMNS = {"email": AccountRow.email, "phone": AccountRow.phone,
                 "nik_hash": AccountRow.nik_hash}


def _postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


async def get_account(session: AsyncSession, account_id: str, *, lock: bool = False
                      ) -> AccountRow | None:
    query = select(AccountRow).where(col(AccountRow.id) == account_id)
    if lock and _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


async def find_by(session: AsyncSession, column: str, value: str, *, lock: bool = False
                  ) -> AccountRow | None:
    """The account whose ``email``, ``phone`` or ``nik_hash`` is ``value``."""
    query = select(AccountRow).where(col(LOGIN_COLUMNS[column]) == value)
    if lock and _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


async def any_taken(session: AsyncSession, *, email: str, phone: str | None = None,
                    nik_hash: str | None = None) -> bool:
    """Whether an account already uses this e-mail, phone or NIK (not saying which)."""
    clauses: list[Any] = [col(AccountRow.email) == email]
    if phone:
        clauses.append(col(AccountRow.phone) == phone)
    if nik_hash:
        clauses.append(col(AccountRow.nik_hash) == nik_hash)
    found = await session.scalar(select(col(AccountRow.id)).where(or_(*clauses)).limit(1))
    return found is not None


async def find_active_citizen(session: AsyncSession, column: str, value: str
                              ) -> AccountRow | None:
    """The active citizen account whose ``email``, ``phone`` or ``nik_hash`` is ``value``
    (the unique indexes login uses)."""
    return await session.scalar(select(AccountRow).where(
        col(LOGIN_COLUMNS[column]) == value, col(AccountRow.kind) == "citizen",
        col(AccountRow.status) == "active"))


async def is_active_citizen(session: AsyncSession, account_id: str) -> bool:
    found = await session.scalar(select(col(AccountRow.id)).where(
        col(AccountRow.id) == account_id, col(AccountRow.kind) == "citizen",
        col(AccountRow.status) == "active"))
    return found is not None


async def existing_emails(session: AsyncSession, emails: Sequence[str]) -> set[str]:
    rows = await session.scalars(select(col(AccountRow.email))
                                 .where(col(AccountRow.email).in_(emails)))
    return set(rows)


async def agency_accounts(session: AsyncSession, agency: str) -> list[AccountRow]:
    rows = await session.scalars(select(AccountRow).where(col(AccountRow.agency) == agency)
                                 .order_by(col(AccountRow.created_at), col(AccountRow.email)))
    return list(rows)


async def new_family(session: AsyncSession, family_id: str, account_id: str,
                     now: datetime) -> TokenFamilyRow:
    family = TokenFamilyRow(id=family_id, account_id=account_id, created_at=now)
    session.add(family)
    await session.flush()
    return family


async def get_family(session: AsyncSession, family_id: str) -> TokenFamilyRow | None:
    return await session.get(TokenFamilyRow, family_id)


async def add_refresh_token(session: AsyncSession, token_hash: str, family_id: str,
                            issued_at: datetime, expires_at: datetime) -> None:
    session.add(RefreshTokenRow(token_hash=token_hash, family_id=family_id,
                                issued_at=issued_at, expires_at=expires_at))
    await session.flush()


async def find_refresh_token(session: AsyncSession, token_hash: str) -> RefreshTokenRow | None:
    query = select(RefreshTokenRow).where(col(RefreshTokenRow.token_hash) == token_hash)
    return await session.scalar(query)


async def _rowcount(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


async def spend_refresh_token(session: AsyncSession, token_id: int, now: datetime) -> bool:
    """Mark the token used; False when another request spent it first (atomic)."""
    return await _rowcount(session, update(RefreshTokenRow)
                           .where(col(RefreshTokenRow.id) == token_id,
                                  col(RefreshTokenRow.used_at).is_(None))
                           .values(used_at=now)) == 1


async def revoke_family(session: AsyncSession, family_id: str, now: datetime,
                        reason: str) -> bool:
    """Revoke one family; False when it was already revoked."""
    return await _rowcount(session, update(TokenFamilyRow)
                           .where(col(TokenFamilyRow.id) == family_id,
                                  col(TokenFamilyRow.revoked_at).is_(None))
                           .values(revoked_at=now, revoked_reason=reason)) == 1


async def revoke_account_families(session: AsyncSession, account_id: str, now: datetime,
                                  reason: str) -> list[str]:
    """Revoke every open family of the account; return their ids."""
    open_families = (col(TokenFamilyRow.account_id) == account_id,
                     col(TokenFamilyRow.revoked_at).is_(None))
    ids = list(await session.scalars(select(col(TokenFamilyRow.id)).where(*open_families)))
    await session.execute(update(TokenFamilyRow).where(*open_families)
                          .values(revoked_at=now, revoked_reason=reason))
    return ids


def audit(session: AsyncSession, at: datetime, actor: str, action: str,
          target: str | None = None, **details: Any) -> None:
    """Append an audit row. ``details`` must hold no personal data (ids, roles, codes only)."""
    session.add(AuditRow(at=at, actor=actor, action=action, target=target, details=details))


async def audit_rows(session: AsyncSession, target: str | None = None,
                     limit: int = 100) -> list[AuditRow]:
    query = select(AuditRow).order_by(col(AuditRow.id).desc()).limit(limit)
    if target is not None:
        query = query.where(col(AuditRow.target) == target)
    return list(await session.scalars(query))


async def action_times(session: AsyncSession, actor: str, action: str, since: datetime
                       ) -> list[datetime]:
    """When ``actor`` did ``action`` since ``since``, oldest first (index on ``at``)."""
    rows = await session.scalars(select(col(AuditRow.at)).where(
        col(AuditRow.at) >= since, col(AuditRow.actor) == actor,
        col(AuditRow.action) == action).order_by(col(AuditRow.at)))
    return list(rows)


async def login_failures(session: AsyncSession, key: str, now: datetime, forget_before: datetime
                         ) -> LoginFailureRow:
    """The failure count of an identifier that names no account, locked for this request
    (a new, clean one when there is none; it is stored only if a failure is counted).
    Creating one first drops the counts with nothing left to remember."""
    query = select(LoginFailureRow).where(col(LoginFailureRow.key) == key)
    if _postgres(session):
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is not None:
        return row
    await session.execute(delete(LoginFailureRow).where(
        col(LoginFailureRow.last_failed_at) < forget_before,
        or_(col(LoginFailureRow.locked_until).is_(None), col(LoginFailureRow.locked_until) <= now)))
    try:
        async with session.begin_nested():
            row = LoginFailureRow(key=key)
            session.add(row)
    except IntegrityError:  # another replica created it meanwhile: use (and lock) theirs
        row = await session.scalar(query.execution_options(populate_existing=True))
        assert row is not None
    return row
