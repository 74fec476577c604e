"""The outputs of one service, wired: settings, issuer (in the case transaction), worker
(render and sign), store. Built by :func:`shared.web.runtime.build_runtime`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.cases.catalog import SopCatalog
from shared.cases.pii import PiiCipher
from shared.cases.store import CaseStore
from shared.outputs.issuer import OutputIssuer
from shared.outputs.settings import OutputSettings, build_signer
from shared.outputs.signing import Signer
from shared.outputs.store import OutputStore
from shared.outputs.worker import OutputStorage, OutputWorker
from shared.registry import Registry


@dataclass
class Outputs:
    settings: OutputSettings
    issuer: OutputIssuer
    worker: OutputWorker
    store: OutputStore


def build_outputs(service: str, sessions: async_sessionmaker[AsyncSession],
                  catalog: SopCatalog, cases: CaseStore, registry: Registry,
                  cipher: PiiCipher, storage: OutputStorage, clock: Callable[[], datetime],
                  settings: OutputSettings | None = None, signer: Signer | None = None
                  ) -> Outputs:
    conf = settings or OutputSettings.from_env()
    worker = OutputWorker(service, sessions, catalog, cases, registry, cipher, storage,
                          signer or build_signer(conf), conf, clock)
    return Outputs(settings=conf, issuer=OutputIssuer(service, registry, cipher, clock),
                   worker=worker, store=worker.store)
