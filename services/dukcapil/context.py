"""What the dukcapil hooks need beyond their arguments: the service's clock and cipher (from
the app's runtime, read when a hook runs) and the SIAK client.

One context per app (``create_app`` binds it), so two apps in one process (tests, the
all-in-one) never share a clock or a SIAK client. The SIAK client is the one given, else
the one ``HALO_DUKCAPIL_SIAK_URL`` names (built on first use), else None: SIAK not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from services.dukcapil.adapters.siak import HttpSiak, SiakClient, siak_settings_from_env
from services.dukcapil.domain import local_day

if TYPE_CHECKING:
    from fastapi import FastAPI

    from shared.cases.pii import PiiCipher
    from shared.web.runtime import ServiceRuntime


@dataclass
class DukcapilContext:
    siak: SiakClient | None = None
    from_env: bool = True
    """Build the SIAK client from the environment when none is given."""
    app: FastAPI | None = None
    _env_checked: bool = field(default=False, repr=False)

    def bind(self, app: FastAPI) -> None:
        self.app = app

    def runtime(self) -> ServiceRuntime | None:
        """The bound app's runtime; None when unbound (``SPEC`` used as it is: the worker,
        some platform tests) or not started."""
        return getattr(self.app.state, "runtime", None) if self.app is not None else None

    def today(self) -> date:
        """The submission day: the service clock's day in Asia/Jakarta (unbound: the wall
        clock's, as the engine's own form check reads it)."""
        runtime = self.runtime()
        return local_day(runtime.clock() if runtime is not None else datetime.now(UTC))

    def cipher(self) -> PiiCipher | None:
        runtime = self.runtime()
        return runtime.cases.cipher if runtime is not None else None

    def client(self) -> SiakClient | None:
        if self.siak is None and self.from_env and not self._env_checked:
            self._env_checked = True
            settings = siak_settings_from_env()
            if settings is not None:
                self.siak = HttpSiak(settings)
        return self.siak
