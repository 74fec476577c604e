"""``/healthz`` (the process is alive) and ``/readyz`` (it can serve: database reachable,
start-up done).

``/metrics`` is deliberately not here: it is served on a second, internal listener only
(``HALO_METRICS_PORT``, :mod:`shared.observability.exposition`), so the public port of every
process answers 404 for it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import text

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, response: Response) -> dict[str, str]:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or not runtime.ready:
        response.status_code = 503
        return {"status": "starting"}
    try:
        async with runtime.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        response.status_code = 503
        return {"status": "database-unavailable"}
    return {"status": "ready"}

