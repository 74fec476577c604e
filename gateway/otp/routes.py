"""The one-time code routes (no account, no login):

- ``POST /api/v1/auth/otp`` ``{telepon, tujuan}``: sends a 6-digit code to the number;
- ``POST /api/v1/auth/otp/verifikasi`` ``{telepon, kode}``: a short-lived access token of a
  no-account reporter (role ``pelapor-darurat`` only).

The client address is ``request.client.host`` (the TCP peer, or what a proxy uvicorn trusts
forwarded; see :mod:`gateway.identity.ratelimit`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from gateway.identity.deps import RuntimeDep, SessionDep
from gateway.identity.errors import localized
from gateway.otp import service
from gateway.otp.schemas import CodeCheck, CodeRequest, CodeSent, ReporterToken
from gateway.otp.service import OtpContext
from gateway.otp.settings import REPORTER_ROLE

STATE_KEY = "otp"
router = APIRouter(tags=["identity"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Not an Indonesian mobile number: `errors: [{field, problem}]`"},
    429: {"description": "Too many requests for the number or the address (`Retry-After`)"},
}


def get_otp(runtime: RuntimeDep) -> OtpContext:
    ctx: OtpContext = runtime.state[STATE_KEY]
    return ctx


OtpDep = Annotated[OtpContext, Depends(get_otp)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/api/v1/auth/otp", response_model=CodeSent, status_code=202,
             responses={**_REFUSALS, 503: {"description": "No channel can carry the code"}})
async def request_code(body: CodeRequest, request: Request, session: SessionDep,
                       runtime: RuntimeDep, ctx: OtpDep) -> CodeSent:
    """Send a one-time code to a mobile number (WhatsApp), for a report without an account.

    At most 3 codes per number per 15 minutes and 10 per client address per hour (defaults,
    `HALO_OTP_*`); a new code voids the previous one; a code lives 5 minutes."""
    with localized(request):
        ttl = await service.request_code(session, runtime, ctx, body.telepon, body.tujuan,
                                         _client(request))
    return CodeSent(berlaku_detik=ttl)


@router.post("/api/v1/auth/otp/verifikasi", response_model=ReporterToken,
             responses={**_REFUSALS, 400: {"description": "Wrong, expired or void code"}})
async def verify_code(body: CodeCheck, request: Request, session: SessionDep,
                      runtime: RuntimeDep, ctx: OtpDep) -> ReporterToken:
    """Exchange the code for a reporter's access token (2 hours, role `pelapor-darurat`;
    it opens no citizen route). Five wrong tries void the code."""
    with localized(request):
        issued = await service.verify_code(session, runtime, ctx, body.telepon, body.kode,
                                           body.tujuan, _client(request))
    return ReporterToken(access_token=issued.access_token, expires_in=issued.expires_in,
                         peran=REPORTER_ROLE)
