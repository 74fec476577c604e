"""What the permit hooks need from the running service: its PII cipher, the NIK hash key
and its clock.

Engine hooks are module-level functions called with a session only, so the service binds
its runtime here when it starts (the HTTP app's lifespan, and the worker's expiry loop,
which runs in the worker process). One perizinan runtime runs per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.perizinan.domain import hash_key
from shared.cases.pii import PiiCipher
from shared.web.runtime import ServiceRuntime


@dataclass(frozen=True)
class PermitContext:
    cipher: PiiCipher
    hash_key: bytes
    clock: Callable[[], datetime]


_bound: list[PermitContext] = []


def bind(runtime: ServiceRuntime) -> PermitContext:
    context = PermitContext(runtime.cases.cipher, hash_key(runtime.settings.pii_key),
                            runtime.clock)
    _bound[:] = [context]
    return context


def current() -> PermitContext:
    if not _bound:
        raise RuntimeError("perizinan: runtime not bound (services.perizinan.context.bind)")
    return _bound[0]
