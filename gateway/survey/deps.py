"""FastAPI dependencies of the survey routes.

``SessionDep`` commits once, after the route returned and before the response is sent; a
refusal rolls back. ``CurrentPrincipal`` is the shared one (the gateway runtime has a
``verifier`` too).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.runtime import GatewayRuntime
from shared.web.i18n import language


def get_runtime(request: Request) -> GatewayRuntime:
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[GatewayRuntime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        yield session
        await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_language(request: Request) -> str:
    return language(request.headers.get("accept-language"))


LanguageDep = Annotated[str, Depends(get_language)]
