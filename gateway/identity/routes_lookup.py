"""``POST /api/v1/citizens/lookup``: a counter officer finds the account of the citizen they
submit for (rules in :mod:`gateway.identity.lookup`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gateway.identity import lookup
from gateway.identity.deps import CurrentPrincipal, IdentityDep, SessionDep
from gateway.identity.errors import localized
from gateway.identity.schemas_lookup import CitizenFound, CitizenLookup

router = APIRouter(tags=["identity"])


@router.post("/api/v1/citizens/lookup", response_model=CitizenFound, responses={
    403: {"description": "Not a counter officer (`lookup-not-permitted`)"},
    404: {"description": "No active citizen account with this key (`citizen-not-found`)"},
    422: {"description": "Not exactly one key, or a key of the wrong form"},
    429: {"description": "Too many look-ups by this account (`rate-limited`, `Retry-After`)"}})
async def lookup_citizen(body: CitizenLookup, request: Request, response: Response,
                         who: CurrentPrincipal, session: SessionDep, ctx: IdentityDep
                         ) -> CitizenFound:
    """Find an active citizen account by exactly one of NIK, WhatsApp number or e-mail, for
    an assisted submission (``on_behalf_of``). Counter officers only (front_office, operator,
    staf of an agency); audited (who, when, which kind of key; never the key); limited per
    account (``HALO_LOOKUP_RATE``, default 30 per 10 minutes). Masked values only."""
    with localized(request):
        found = await lookup.lookup(session, ctx, who, body)
    response.headers["Cache-Control"] = "no-store"
    return found
