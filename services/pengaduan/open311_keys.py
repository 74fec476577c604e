"""Open311 API keys, managed through normal authenticated routes (problem+json errors):

- ``POST /open311/kunci`` ``{label, agency | partner}``: a new key, shown once in the answer
  (only its SHA-256 is kept); bound to an agency (its integration account: posts to that
  agency's complaint SOPs only) or to a named partner (any offered complaint SOP).
- ``GET /open311/kunci``: the keys the caller manages, without the key itself.
- ``DELETE /open311/kunci/{id}``: revoke (a revoked key answers 403 at once).

Who: platform admins and admins of the managing agency (setting, default Diskominfo) manage
every key; an agency's admin manages the keys bound to that agency. Creation and revocation
are audited (key id and binding, never the key).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from services.pengaduan import (
    messages_open311,  # noqa: F401  (registers the message codes)
    open311_store,
)
from services.pengaduan.open311_service import hash_key
from services.pengaduan.open311_settings import Open311Settings
from services.pengaduan.open311_tables import Open311KeyRow
from shared.engine.state import Principal
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError

KEY_PREFIX = "o311_"
router = APIRouter(prefix="/open311/kunci", tags=["pengaduan-open311"])
KeyId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f\-]{36}$")]


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=200)
    agency: str | None = Field(default=None, min_length=2, max_length=60,
                               pattern=r"^[a-z0-9][a-z0-9\-]*$")
    partner: str | None = Field(default=None, min_length=1, max_length=200)


class KeyOut(BaseModel):
    id: str
    prefix: str
    label: str
    agency: str | None
    partner: str | None
    subject: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


class CreatedKey(KeyOut):
    key: str
    """The API key itself: shown this once, never again."""


def _out(row: Open311KeyRow) -> KeyOut:
    return KeyOut.model_validate(row, from_attributes=True)


def managed_agencies(who: Principal) -> frozenset[str] | None:
    """The agencies whose keys ``who`` manages (None: every key, partner keys included)."""
    if who.is_admin or who.has(Open311Settings.from_env().admin_agency, "admin"):
        return None
    mine = frozenset(a for a in who.agencies() if who.has(a, "admin"))
    if not mine:
        raise ProblemError(403, "open311-key-forbidden",
                           admin_agency=Open311Settings.from_env().admin_agency)
    return mine


@router.post("", status_code=201, response_model=CreatedKey)
async def create_key(body: NewKey, who: CurrentPrincipal, session: SessionDep,
                     runtime: RuntimeDep) -> CreatedKey:
    scope = managed_agencies(who)
    if (body.agency is None) == (body.partner is None):
        raise ProblemError(422, "open311-key-binding")
    if body.agency is not None and body.agency not in runtime.registry.agencies:
        raise ProblemError(422, "open311-key-agency-unknown", agency=body.agency)
    if scope is not None and body.agency not in scope:
        raise ProblemError(403, "open311-key-forbidden",
                           admin_agency=Open311Settings.from_env().admin_agency)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = str(uuid.uuid4())
    row = Open311KeyRow(id=key_id, key_hash=hash_key(raw), prefix=raw[:12], label=body.label,
                        agency=body.agency, partner=body.partner, subject=f"open311:{key_id}",
                        created_by=who.subject, created_at=runtime.clock())
    session.add(row)
    await runtime.cases.audit(session, who, "open311.key_created", f"open311-key/{key_id}",
                              {"agency": body.agency, "partner": body.partner is not None})
    await session.flush()
    return CreatedKey(**_out(row).model_dump(), key=raw)


@router.get("", response_model=list[KeyOut])
async def list_keys(who: CurrentPrincipal, session: SessionDep) -> list[KeyOut]:
    return [_out(r) for r in await open311_store.keys(session, managed_agencies(who))]


@router.delete("/{key_id}", response_model=KeyOut)
async def revoke_key(key_id: KeyId, who: CurrentPrincipal, session: SessionDep,
                     runtime: RuntimeDep) -> KeyOut:
    scope = managed_agencies(who)
    row = await open311_store.key(session, key_id)
    if row is None or (scope is not None and row.agency not in scope):
        raise ProblemError(404, "open311-key-not-found")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = runtime.clock(), who.subject
        session.add(row)
        await runtime.cases.audit(session, who, "open311.key_revoked", f"open311-key/{key_id}",
                                  {"agency": row.agency})
        await session.flush()
    return _out(row)
