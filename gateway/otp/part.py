"""The one-time code part of the gateway: its routes, start step and migrations.

``PART`` reads :class:`~gateway.otp.settings.OtpSettings` from the environment at start;
tests build one with explicit settings through :func:`make_part`. The HMAC key is the
identity part's hash key (``HALO_NIK_HASH_KEY``, a gateway secret), under labels of its own.
"""

from __future__ import annotations

from pathlib import Path

from gateway.identity.context import context_of
from gateway.otp import messages
from gateway.otp.routes import STATE_KEY, router
from gateway.otp.service import OtpContext
from gateway.otp.settings import PURPOSES, OtpSettings
from gateway.runtime import GatewayPart, GatewayRuntime

messages.install()

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_otp")


def make_part(settings: OtpSettings | None = None) -> GatewayPart:
    async def start(runtime: GatewayRuntime) -> None:
        conf = settings or OtpSettings.from_env()
        key = context_of(runtime).settings.nik_hash_key
        runtime.state[STATE_KEY] = OtpContext(conf, key)
        # The gateway forwards the reporter's scoped token (the service checks the scope)
        # and may show the reporter their own tracking; its other routes find no account.
        runtime.verifier.accepted_scopes = runtime.verifier.accepted_scopes | set(PURPOSES)

    return GatewayPart(name="otp", router=router, start=start, migrations=MIGRATIONS)


PART = make_part()
