"""Public identity routes: register, login, refresh, logout, the caller's profile, the JWKS."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from gateway.identity import login as login_service
from gateway.identity import service, tokens
from gateway.identity.deps import CurrentPrincipal, IdentityDep, RuntimeDep, SessionDep, rate_limit
from gateway.identity.errors import localized
from gateway.identity.schemas import (
    REGISTER_RULES,
    LoginForm,
    Profile,
    RefreshForm,
    RegisterForm,
    TokenPair,
)

router = APIRouter(tags=["identity"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Field problems: `errors: [{field, problem, message}]`"},
    429: {"description": "Rate limited (`Retry-After`)"},
}


@router.post("/api/v1/auth/register", status_code=201, response_model=Profile,
             dependencies=[Depends(rate_limit("register"))],
             summary="Register a citizen", description=REGISTER_RULES,
             responses={**_REFUSALS, 409: {"description": "NIK, e-mail or phone already used"}})
async def register(form: RegisterForm, request: Request, session: SessionDep,
                   ctx: IdentityDep) -> Profile:
    """A citizen registers (the rules: :data:`~gateway.identity.schemas.REGISTER_RULES`)."""
    with localized(request):
        row = await service.register(session, ctx, form)
    return service.profile(ctx, row)


@router.post("/api/v1/auth/login", response_model=TokenPair,
             dependencies=[Depends(rate_limit("login"))],
             responses={**_REFUSALS, 401: {"description": "Wrong login or password"},
                        423: {"description": "Account locked (`Retry-After`)"}})
async def login(form: LoginForm, request: Request, session: SessionDep, runtime: RuntimeDep,
                ctx: IdentityDep) -> TokenPair:
    """Log in with the NIK, e-mail address or WhatsApp number and the password.

    Failed logins of one account or identifier (registered or not, the answers are the
    same): failures 1-2 are 401; the 3rd and 4th are 401 with `Retry-After` 5 s and 10 s,
    and attempts inside those windows are 429; the 5th locks for 15 minutes (423). Failures
    older than 15 minutes are forgotten; a success resets the count (defaults, see
    `HALO_IDENTITY_*` in docs/identity.md)."""
    with localized(request):
        return await login_service.login(session, runtime, ctx, form)


@router.post("/api/v1/auth/refresh", response_model=TokenPair,
             dependencies=[Depends(rate_limit("refresh"))],
             responses={401: {"description": "Invalid, expired, revoked or reused token"}})
async def refresh(form: RefreshForm, session: SessionDep, runtime: RuntimeDep,
                  ctx: IdentityDep) -> TokenPair:
    """Exchange a refresh token for a new pair; the presented token is spent."""
    return await tokens.rotate(session, runtime, ctx, form.refresh_token)


@router.post("/api/v1/auth/logout", status_code=204, response_class=Response)
async def logout(form: RefreshForm, session: SessionDep, ctx: IdentityDep) -> Response:
    """End the session: the refresh token's whole family is revoked."""
    await tokens.close_session(session, ctx, form.refresh_token)
    return Response(status_code=204)


@router.get("/api/v1/auth/me", response_model=Profile)
async def me(who: CurrentPrincipal, session: SessionDep, ctx: IdentityDep) -> Profile:
    """The caller's own account, with the NIK masked."""
    return await service.own_profile(session, ctx, who)


@router.get("/.well-known/jwks.json", tags=["identity"])
async def jwks(runtime: RuntimeDep, response: Response) -> dict[str, Any]:
    """The public keys that verify access tokens (current and recently retired)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return runtime.keys.jwks()
