"""Department hooks: behaviour a department adds to its SOPs, keyed by SOP and step.

A service registers small async functions, for instance "when ``bpprd-pbb-pembayaran``
leaves step ``pembayaran_bank``, record the bank's receipt". The generic case service calls
them at fixed points; a department never edits the engine or the generic routes.

``on_resubmit`` runs when the applicant completes a returned file (``lengkapi``): after the
engine accepted the corrections, before anything is stored, with the *merged* form in clear
(the stored form with the corrections over it). It may normalise values of that dict as
``on_open`` does (a value it changes is stored as a correction) or refuse with a
``ProblemError`` / ``InvalidSubmission``: the request then writes nothing and the case stays
returned. A department whose open checks must hold for a corrected form registers them on
both points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.tables import CaseRow
from shared.engine.state import Principal, Transition
from shared.outputs.rows import OutputRows
from shared.sop.model import SopDefinition


@dataclass(frozen=True)
class Concealment:
    """Form fields a reader other than the applicant must not see at all (not even masked):
    read as :data:`CONCEALED`; ``documents``: keys of the applicant's documents left out of
    the case's document list and download (an identity card). ``unmask`` False: the
    officers' reveal refuses too (only break-glass, audited, opens the form)."""

    fields: frozenset[str]
    unmask: bool = False
    documents: frozenset[str] = frozenset()


CONCEALED = "[dirahasiakan]"
OpenHook = Callable[[SopDefinition, dict[str, Any]], Awaitable[None]]
TransitionHook = Callable[[AsyncSession, SopDefinition, CaseRow, Transition], Awaitable[None]]
ReadHook = Callable[[AsyncSession, SopDefinition, CaseRow, Principal],
                    Awaitable[Concealment | None]]
ResubmitHook = Callable[[AsyncSession, SopDefinition, CaseRow, Transition, dict[str, Any]],
                        Awaitable[None]]
"""``(session, sop, row, done, form)``: ``row`` as stored before the resubmission (its form
sealed), ``done`` the resubmission's transition, ``form`` the merged form in clear."""


class Hooks:
    def __init__(self) -> None:
        self._open: dict[str, list[OpenHook]] = defaultdict(list)
        self._before: dict[tuple[str, str | None], list[TransitionHook]] = defaultdict(list)
        self._after: dict[tuple[str, str | None], list[TransitionHook]] = defaultdict(list)
        self._read: dict[str, list[ReadHook]] = defaultdict(list)
        self._resubmit: dict[str, list[ResubmitHook]] = defaultdict(list)
        self.output_rows = OutputRows()
        """The department's rows on output documents (``output_rows.provide(sop, kind)``)."""

    def on_open(self, sop_key: str) -> Callable[[OpenHook], OpenHook]:
        """Check or enrich the form before a case of ``sop_key`` opens (raise to refuse)."""
        def register(fn: OpenHook) -> OpenHook:
            self._open[sop_key].append(fn)
            return fn
        return register

    def on_resubmit(self, sop_key: str) -> Callable[[ResubmitHook], ResubmitHook]:
        """Check or normalise the merged form when a returned case of ``sop_key`` is
        completed (``lengkapi``), before it is stored (raise to refuse)."""
        def register(fn: ResubmitHook) -> ResubmitHook:
            self._resubmit[sop_key].append(fn)
            return fn
        return register

    def before_leaving(self, sop_key: str, step: str | None = None
                       ) -> Callable[[TransitionHook], TransitionHook]:
        """Run inside the transaction before a transition out of ``step`` is stored."""
        def register(fn: TransitionHook) -> TransitionHook:
            self._before[(sop_key, step)].append(fn)
            return fn
        return register

    def after_leaving(self, sop_key: str, step: str | None = None
                      ) -> Callable[[TransitionHook], TransitionHook]:
        """Run inside the transaction after a transition out of ``step`` is stored."""
        def register(fn: TransitionHook) -> TransitionHook:
            self._after[(sop_key, step)].append(fn)
            return fn
        return register

    def on_read(self, sop_key: str) -> Callable[[ReadHook], ReadHook]:
        """Say which form fields a reader (never the applicant) of a case of ``sop_key`` must
        not see (an anonymous report: the reporter's identity)."""
        def register(fn: ReadHook) -> ReadHook:
            self._read[sop_key].append(fn)
            return fn
        return register

    async def concealment(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                          who: Principal) -> Concealment | None:
        """What the read hooks conceal from ``who`` (their union; None: nothing)."""
        found = [c for fn in self._read.get(sop.key, [])
                 if (c := await fn(session, sop, row, who)) is not None]
        if not found:
            return None
        return Concealment(fields=frozenset().union(*(c.fields for c in found)),
                           unmask=all(c.unmask for c in found),
                           documents=frozenset().union(*(c.documents for c in found)))

    async def before_open(self, sop: SopDefinition, form: dict[str, Any]) -> None:
        for fn in self._open.get(sop.key, []):
            await fn(sop, form)

    def checks_resubmission(self, sop_key: str) -> bool:
        return bool(self._resubmit.get(sop_key))

    async def before_resubmit(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                              done: Transition, form: dict[str, Any]) -> None:
        for fn in self._resubmit.get(sop.key, []):
            await fn(session, sop, row, done, form)

    async def before_commit(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                            done: Transition) -> None:
        for fn in self._matching(self._before, sop, done):
            await fn(session, sop, row, done)

    async def after_transition(self, session: AsyncSession, sop: SopDefinition, row: CaseRow,
                               done: Transition) -> None:
        for fn in self._matching(self._after, sop, done):
            await fn(session, sop, row, done)

    def _matching(self, table: dict[tuple[str, str | None], list[TransitionHook]],
                  sop: SopDefinition, done: Transition) -> list[TransitionHook]:
        steps = {e.step_id for e in done.entries}
        found = list(table.get((sop.key, None), []))
        for step in steps:
            found += table.get((sop.key, step), [])
        return found
