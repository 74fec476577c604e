"""FastAPI dependencies of the identity routes.

``SessionDep`` commits once, after the route returned and before the response is sent; a
refusal rolls back, except a :class:`~gateway.identity.errors.KeptRefusal` (failed-login
counters, a revoked family), which is committed before its error response.
``CurrentPrincipal`` is the shared one: it verifies the bearer token with
``runtime.verifier``, which the gateway runtime has too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity.context import IdentityContext, context_of
from gateway.identity.errors import KeptRefusal, refusal
from gateway.identity.metrics import RATE_LIMITED
from gateway.runtime import GatewayRuntime
from shared.engine.state import Principal
from shared.web.deps import CurrentPrincipal
from shared.web.problems import ProblemError

__all__ = ["AdminPrincipal", "CurrentPrincipal", "IdentityDep", "RuntimeDep", "SessionDep",
           "rate_limit"]


def get_runtime(request: Request) -> GatewayRuntime:
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[GatewayRuntime, Depends(get_runtime)]


def get_identity(runtime: RuntimeDep) -> IdentityContext:
    return context_of(runtime)


IdentityDep = Annotated[IdentityContext, Depends(get_identity)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        try:
            yield session
        except KeptRefusal:
            await session.commit()
            raise
        await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def require_admin(who: CurrentPrincipal) -> Principal:
    if not who.is_admin:
        raise ProblemError(403, "forbidden")
    return who


AdminPrincipal = Annotated[Principal, Depends(require_admin)]


def rate_limit(route: str) -> Callable[[Request, IdentityContext], Awaitable[None]]:
    """A dependency counting the request against ``route``'s per-client limit.

    The client is ``request.client.host``: the TCP peer, or the address a trusted proxy
    forwarded, when uvicorn was told to trust it (``HALO_FORWARDED_ALLOW_IPS``, see
    :mod:`gateway.run`). ``X-Forwarded-For`` is never read here."""

    async def check(request: Request, ctx: IdentityDep) -> None:
        client = request.client.host if request.client else "unknown"
        wait = ctx.limiter.hit(route, client, ctx.clock().timestamp())
        if wait is not None:
            RATE_LIMITED.labels(route).inc()
            raise refusal(429, "rate-limited", wait)

    return check
