"""The identity part of the gateway: its router, start step and migrations.

``PART`` reads :class:`~gateway.identity.settings.IdentitySettings` from the environment at
start; tests and embedders build a part with explicit settings through :func:`make_part`.
Importing this module adds the identity message codes to the shared catalogue
(:func:`gateway.identity.messages.install`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from gateway.identity import messages
from gateway.identity.context import STATE_KEY, IdentityContext
from gateway.identity.lookup import citizen_check
from gateway.identity.routes_admin import router as admin_router
from gateway.identity.routes_auth import router as auth_router
from gateway.identity.routes_lookup import router as lookup_router
from gateway.identity.settings import IdentitySettings
from gateway.runtime import GatewayPart, GatewayRuntime

messages.install()

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_identity")

router = APIRouter()
router.include_router(auth_router)
router.include_router(admin_router)
router.include_router(lookup_router)


def make_part(settings: IdentitySettings | None = None) -> GatewayPart:
    async def start(runtime: GatewayRuntime) -> None:
        conf = settings or IdentitySettings.from_env()
        ctx = runtime.state[STATE_KEY] = IdentityContext.build(runtime, conf)
        runtime.verifier.session_check = ctx.sessions.is_open
        runtime.state["active_citizen"] = citizen_check(runtime)

    return GatewayPart(name="identity", router=router, start=start, migrations=MIGRATIONS)


PART = make_part()
