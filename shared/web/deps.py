"""FastAPI dependencies shared by every service: session, principal, loaded case.

``SessionDep`` commits once, after the route returned and before the response is sent, so a
failed commit is an error response, never a silent loss. Routes and services never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.tokens import InvalidToken
from shared.db.tables import CaseRow
from shared.engine.state import Principal
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime


async def get_runtime(request: Request) -> ServiceRuntime:
    """Async on purpose: FastAPI runs a sync dependency in the thread pool (a hop per use)."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        yield session
        await session.commit()
        runtime.relay.notify()
        if runtime.outputs is not None:
            runtime.outputs.worker.notify()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_principal(request: Request, runtime: RuntimeDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ProblemError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    try:
        principal = await runtime.verifier.verify(token.strip())
    except InvalidToken as exc:
        request.state.auth_failure = exc.reason
        raise ProblemError(401, "unauthenticated",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def may_read(session: AsyncSession, runtime: ServiceRuntime, row: CaseRow,
                   who: Principal) -> bool:
    """The owner, a platform admin, or an officer of an agency the case touches: its SOP's
    agency, the agency holding it now, or an agency that has acted on it. An agency whose
    step lies ahead sees the case when it arrives (the gateway's tracking view keeps the
    same rule)."""
    if who.subject == row.applicant_id or who.is_admin:
        return True
    mine = who.agencies()
    if not mine:
        return False
    if mine & {a for a in (row.agency, row.step_agency) if a}:
        return True
    return bool(mine & await runtime.store.actor_agencies(session, row.id))


async def visible_case(case_id: str, session: AsyncSession, runtime: ServiceRuntime,
                        who: Principal, *, lock: bool) -> CaseRow:
    """The case, or 404 when it does not exist *or* the caller may not see it (no leak)."""
    row = await runtime.store.get(session, case_id, lock=lock)
    if row is None or not await may_read(session, runtime, row, who):
        raise ProblemError(404, "case-not-found")
    return row


async def get_case(case_id: str, session: SessionDep, runtime: RuntimeDep,
                   who: CurrentPrincipal) -> CaseRow:
    """A case to read: no row lock, so reads never queue behind an action in flight."""
    return await visible_case(case_id, session, runtime, who, lock=False)


async def get_case_for_update(case_id: str, session: SessionDep, runtime: RuntimeDep,
                              who: CurrentPrincipal) -> CaseRow:
    """A case to act on, locked until the request commits (actions on a case serialise)."""
    return await visible_case(case_id, session, runtime, who, lock=True)


CaseDep = Annotated[CaseRow, Depends(get_case)]
LockedCaseDep = Annotated[CaseRow, Depends(get_case_for_update)]
