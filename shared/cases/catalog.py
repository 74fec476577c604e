"""The service's SOP catalog: immutable versions in the ``sop_versions`` table.

At start-up the service's SOP files are synchronised into the table: a file version that is
not there is inserted; a file version whose content differs from the stored one is refused
(versions are immutable: publish a new version instead). Agency admins publish further
versions through the API, for the agencies the service hosts (:func:`hosted_agencies`); a
version that gives steps to another agency is stored ``pending`` until that agency's admin
accepts it (:meth:`SopCatalog.accept`), and only ``active`` versions are "latest" (new cases
start on them; running cases keep theirs). Parsed definitions are cached by (key, version):
a version never changes, so the cache never goes stale; "latest" is always read from the
database, so every replica sees a newly published version at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.db.session import lock
from shared.db.tables import SopVersionRow
from shared.registry import Registry
from shared.sop.loader import parse_sop
from shared.sop.model import SopDefinition
from shared.sop.validate import Problem, SopValidationError

ACTIVE, PENDING = "active", "pending"
WITHDRAWN, DECLINED = "withdrawn", "declined"
"""A pending version closed unaccepted: by its publishing agency (or a platform admin), or by
an agency it gave steps to. Never active; its number stays taken (versions are immutable)."""


def _definition_data(sop: SopDefinition) -> dict[str, Any]:
    return sop.model_dump(mode="json", exclude_none=True)


def hosted_agencies(sops: Iterable[SopDefinition]) -> frozenset[str]:
    """The agencies a service hosts: those of the SOP files in its folder
    (``services/<service>/sops``). Only they publish into the service."""
    return frozenset(s.agency for s in sops)


def foreign_agencies(sop: SopDefinition) -> list[str]:
    """The agencies other than the SOP's own that its steps are given to (``Step.agency``)."""
    return sorted({s.agency for s in sop.steps if s.agency and s.agency != sop.agency})


class AcceptRefused(Exception):
    """Why an acceptance is refused: ``code`` (a problem code) and ``status``."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


class SopCatalog:
    def __init__(self, service: str, registry: Registry) -> None:
        self.service = service
        self.registry = registry
        self._cache: dict[tuple[str, int], SopDefinition] = {}
        self.hosts: frozenset[str] = frozenset()
        """The agencies the service hosts (set from its SOP files by :meth:`sync_files`)."""

    def _remember(self, sop: SopDefinition) -> SopDefinition:
        self._cache[(sop.key, sop.version)] = sop
        return sop

    def _from_row(self, row: SopVersionRow) -> SopDefinition:
        cached = self._cache.get((row.key, row.version))
        if cached is not None:
            return cached
        return self._remember(parse_sop(row.definition, self.registry, f"sop_versions:{row.id}"))

    async def sync_files(self, session: AsyncSession, sops: list[SopDefinition],
                         now: datetime) -> int:
        """Insert shipped definitions that are not stored yet; return how many were added.

        The HTTP process and the worker of a service (and every replica) start together:
        the catalog lock makes them sync one after another instead of racing on inserts.
        """
        await lock(session, f"halo-catalog-{self.service}")
        self.hosts = hosted_agencies(sops)
        added = 0
        for sop in sops:
            row = await session.scalar(select(SopVersionRow).where(
                col(SopVersionRow.key) == sop.key, col(SopVersionRow.version) == sop.version))
            data = _definition_data(sop)
            if row is None:
                session.add(SopVersionRow(key=sop.key, version=sop.version, agency=sop.agency,
                                          title=sop.title, definition=data, origin="file",
                                          published_by="system", published_at=now))
                added += 1
            elif row.definition != data:
                where = "lewat API oleh admin instansi" if row.origin == "api" else "dari berkas"
                raise SopValidationError([Problem(
                    sop.key, None, f"versi {sop.version} sudah terbit {where} "
                    f"({row.published_at:%Y-%m-%d}) dengan isi berbeda; versi tidak boleh "
                    "diubah: beri berkas ini nomor versi berikutnya")],
                    f"services/{self.service}/sops ({sop.key} v{sop.version})")
            self._remember(sop)
        await session.flush()
        return added

    async def get(self, session: AsyncSession, key: str, version: int | None = None
                  ) -> SopDefinition | None:
        if version is not None and (key, version) in self._cache:
            return self._cache[(key, version)]
        query = select(SopVersionRow).where(col(SopVersionRow.key) == key)
        if version is None:  # the newest active version; a pending one is read by number
            query = query.where(col(SopVersionRow.status) == ACTIVE).order_by(
                col(SopVersionRow.version).desc()).limit(1)
        else:
            query = query.where(col(SopVersionRow.version) == version)
        row = await session.scalar(query)
        return self._from_row(row) if row else None

    async def latest_all(self, session: AsyncSession) -> list[SopDefinition]:
        newest = (select(col(SopVersionRow.key), func.max(col(SopVersionRow.version)).label("v"))
                  .where(col(SopVersionRow.status) == ACTIVE)
                  .group_by(col(SopVersionRow.key)).subquery())
        same = (col(SopVersionRow.key) == newest.c.key) & (
            col(SopVersionRow.version) == newest.c.v)
        rows = await session.scalars(select(SopVersionRow).join(newest, same)
                                     .order_by(col(SopVersionRow.key)))
        return [self._from_row(r) for r in rows]

    async def versions(self, session: AsyncSession, key: str) -> list[SopVersionRow]:
        rows = await session.scalars(select(SopVersionRow).where(col(SopVersionRow.key) == key)
                                     .order_by(col(SopVersionRow.version)))
        return list(rows)

    async def publish(self, session: AsyncSession, data: dict[str, Any], publisher: str,
                      now: datetime) -> SopDefinition:
        """Validate ``data`` as the next version of its key and store it, ``pending`` when it
        gives steps to other agencies (the caller audits). A key with a pending version takes
        no further one until it is accepted (409 ``sop-version-pending``)."""
        await lock(session, f"halo-catalog-{self.service}")  # two publishers: one waits
        data = dict(data)
        data["service"] = self.service
        key = str(data.get("key", ""))
        newest = await session.scalar(select(SopVersionRow).where(
            col(SopVersionRow.key) == key).order_by(col(SopVersionRow.version).desc()).limit(1))
        if newest is not None and newest.status == PENDING:
            raise AcceptRefused(409, "sop-version-pending")
        data["version"] = (newest.version + 1) if newest else 1
        sop = parse_sop(data, self.registry, "permintaan")
        awaiting = foreign_agencies(sop)
        row = SopVersionRow(key=sop.key, version=sop.version, agency=sop.agency,
                            title=sop.title, definition=_definition_data(sop), origin="api",
                            published_by=publisher, published_at=now,
                            status=PENDING if awaiting else ACTIVE, awaiting=awaiting,
                            accepted=[])
        session.add(row)
        await session.flush()
        return self._remember(sop)

    async def version_row(self, session: AsyncSession, key: str, version: int
                          ) -> SopVersionRow | None:
        return await session.scalar(select(SopVersionRow).where(
            col(SopVersionRow.key) == key, col(SopVersionRow.version) == version))

    async def _pending(self, session: AsyncSession, key: str, version: int) -> SopVersionRow:
        """The pending version ``key``@``version``, under the catalog's lock (404 when there is
        no such version, 409 when it is not pending)."""
        await lock(session, f"halo-catalog-{self.service}")
        row = await self.version_row(session, key, version)
        if row is None:
            raise AcceptRefused(404, "sop-not-found")
        if row.status != PENDING:
            raise AcceptRefused(409, "sop-version-not-pending")
        return row

    async def accept(self, session: AsyncSession, key: str, version: int,
                     agencies: frozenset[str]) -> tuple[SopVersionRow, list[str]]:
        """Record the acceptance of a pending version by the admin of ``agencies`` (those of
        them it awaits); when none is awaited any more the version becomes active. Returns the
        row and the agencies accepted now."""
        row = await self._pending(session, key, version)
        mine = sorted(set(row.awaiting) & agencies)
        if not mine:
            raise AcceptRefused(403, "sop-accept-not-permitted")
        row.awaiting = [a for a in row.awaiting if a not in mine]
        row.accepted = sorted({*row.accepted, *mine})
        if not row.awaiting:
            row.status = ACTIVE
        session.add(row)
        await session.flush()
        return row, mine

    async def close_pending(self, session: AsyncSession, key: str, version: int, status: str,
                            may: Callable[[SopVersionRow], bool]) -> SopVersionRow:
        """Close a pending version unaccepted (``withdrawn`` or ``declined``) when ``may`` allows
        it for the row; the key then takes a new version again. The caller audits."""
        row = await self._pending(session, key, version)
        if not may(row):
            raise AcceptRefused(403, f"sop-{'withdraw' if status == WITHDRAWN else 'decline'}"
                                     "-not-permitted")
        row.status = status
        session.add(row)
        await session.flush()
        return row
