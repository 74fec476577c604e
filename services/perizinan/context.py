"""What the permit hooks need from the running service: its PII cipher, the NIK hash key
and its clock.

Engine hooks are called with a session only, so each app gets its own
:class:`PermitContext`, bound to its runtime when it starts (the HTTP app's lifespan; in the
worker process, the expiry loop binds the context of ``SPEC``, the spec the worker runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.perizinan.domain import hash_key
from shared.cases.pii import PiiCipher
from shared.web.runtime import ServiceRuntime


@dataclass(frozen=True)
class Bound:
    cipher: PiiCipher
    hash_key: bytes
    clock: Callable[[], datetime]


@dataclass
class PermitContext:
    _bound: list[Bound] = field(default_factory=list)

    def bind(self, runtime: ServiceRuntime) -> Bound:
        bound = Bound(runtime.cases.cipher, hash_key(runtime.settings.pii_key), runtime.clock)
        self._bound[:] = [bound]
        return bound

    def current(self) -> Bound:
        if not self._bound:
            raise RuntimeError("perizinan: the app's runtime is not bound to its hooks")
        return self._bound[0]
