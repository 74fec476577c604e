"""Department rows on output documents: one generic extension point, no SOP named here.

A department registers, per SOP key (and optionally per output kind), a provider
``async (session, runtime, case_row) -> list[OutputRow]``::

    @hooks.output_rows.provide("bpprd-pbb-pembayaran", "bukti_pembayaran")
    async def stts(session, runtime, row): return [OutputRow("NOP", nop, public=True), ...]

:class:`shared.outputs.issuer.OutputIssuer` calls the providers when it issues the output,
inside the case transaction, and stores what they return with the output row
(``case_outputs.rows``, JSON). The PDF is drawn from the stored rows (after the common rows;
a table block as a small grid), so a retried or repeated rendering shows the same figures;
the public verification page shows only the rows their provider marked ``public``. A
provider must never return personal data in clear (a NIK, a KK number, an address, a phone
number, a full name): the rows are stored in clear and a public row is shown to anyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.tables import CaseRow

if TYPE_CHECKING:
    from shared.web.runtime import ServiceRuntime

MAX_ROWS = 40
MAX_TEXT = 300


@dataclass(frozen=True)
class OutputTable:
    """A table block: column headers and rows of cells (text)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class OutputRow:
    """One ``label : value`` line of the document; with ``table`` a block under the label.
    ``public``: also shown on the public verification page."""

    label: str
    value: str = ""
    public: bool = False
    table: OutputTable | None = None


RowProvider = Callable[[AsyncSession, "ServiceRuntime", CaseRow], Awaitable[list[OutputRow]]]


@dataclass
class OutputRows:
    """The providers of one service, by SOP key and output kind (``None``: every kind)."""

    _providers: dict[tuple[str, str | None], list[RowProvider]] = field(
        default_factory=lambda: defaultdict(list))

    def provide(self, sop_key: str, kind: str | None = None
                ) -> Callable[[RowProvider], RowProvider]:
        def register(fn: RowProvider) -> RowProvider:
            self._providers[(sop_key, kind)].append(fn)
            return fn
        return register

    def of(self, sop_key: str, kind: str) -> list[RowProvider]:
        return [*self._providers.get((sop_key, None), []),
                *self._providers.get((sop_key, kind), [])]

    async def collect(self, session: AsyncSession, runtime: ServiceRuntime | None,
                      sop_key: str, kind: str, row: CaseRow) -> list[dict[str, Any]] | None:
        """The stored form of every provider's rows, or ``None`` when none is registered."""
        providers = self.of(sop_key, kind)
        if not providers or runtime is None:
            return None
        found: list[OutputRow] = []
        for fn in providers:
            found += await fn(session, runtime, row)
        return [dump(r) for r in found[:MAX_ROWS]]


def _text(value: object) -> str:
    return str(value)[:MAX_TEXT]


def dump(row: OutputRow) -> dict[str, Any]:
    out: dict[str, Any] = {"label": _text(row.label), "value": _text(row.value),
                           "public": bool(row.public)}
    if row.table is not None:
        out["table"] = {"headers": [_text(h) for h in row.table.headers],
                        "rows": [[_text(c) for c in r] for r in row.table.rows[:MAX_ROWS]]}
    return out


def load(stored: list[dict[str, Any]] | None) -> tuple[OutputRow, ...]:
    rows: list[OutputRow] = []
    for item in stored or []:
        table = item.get("table")
        rows.append(OutputRow(
            label=str(item.get("label", "")), value=str(item.get("value", "")),
            public=bool(item.get("public")),
            table=OutputTable(tuple(table["headers"]), tuple(tuple(r) for r in table["rows"]))
            if isinstance(table, dict) else None))
    return tuple(rows)


def public(stored: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """What the verification page may show: the public rows, without the flag."""
    return [{k: v for k, v in item.items() if k != "public"}
            for item in stored or [] if item.get("public")]
