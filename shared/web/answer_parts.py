"""The documents and outputs a case's answer lists: read from the database, or, for the answer
of an act, read before the act and brought up to date with what the act wrote.

Why before: an act that issues a document takes its agency's number counter, and every other
document of that agency waits on that lock until the act commits (shared/outputs/numbering.py).
Reading the answer's documents and outputs after the act put two round trips inside that
wait; read before it, they cost the same and hold nothing up (issue 12).

What the act writes to those two tables it adds through the session: the uploads it keeps
(``DocumentRow``, shared/cases/service.py) and the documents it issues (``CaseOutputRow``,
shared/outputs/issuer.py), each noted in the session (:mod:`shared.db.written`). Those
objects replace or join what was read. Should one of them not have a value
loaded, the lists are read again instead. ``tests/services/test_outputs_every_sop.py`` checks,
for every act of every SOP with an output, that the answer equals the case read again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.store import DocumentView
from shared.db import written
from shared.db.tables import DocumentRow
from shared.outputs.store import OutputView
from shared.outputs.tables import CaseOutputRow
from shared.web.runtime import ServiceRuntime

_DOCUMENT_FIELDS = ("id", "case_id", "key", "filename", "size", "sha256", "content_type",
                    "uploaded_at")
_OUTPUT_FIELDS = ("id", "case_id", "kind", "title", "number", "status", "verify_code",
                  "created_at")


@dataclass(frozen=True, slots=True)
class AnswerParts:
    """Per case id: its documents (oldest first) and its outputs (absent: none)."""

    documents: dict[str, list[DocumentView]]
    outputs: dict[str, list[OutputView]]


async def read_parts(session: AsyncSession, runtime: ServiceRuntime,
                     case_ids: list[str]) -> AnswerParts:
    """Both lists of several cases, one query each."""
    docs = await runtime.store.documents_of(session, case_ids)
    outs = await runtime.outputs.store.of_cases(session, case_ids) if runtime.outputs else {}
    return AnswerParts(docs, outs)


async def parts_after_act(session: AsyncSession, runtime: ServiceRuntime, case_id: str,
                          before: AnswerParts) -> AnswerParts:
    """``before`` (read before the act on ``case_id``) with the session's documents and
    outputs of the case in place of, or after, what was read."""
    docs = {v.id: v for v in before.documents.get(case_id, [])}
    outs = {v.id: v for v in before.outputs.get(case_id, [])}
    for obj in written.noted(session):
        if isinstance(obj, DocumentRow) and obj.case_id == case_id:
            values = _loaded(obj, _DOCUMENT_FIELDS)
            if values is None:
                return await read_parts(session, runtime, [case_id])
            docs[obj.id] = DocumentView(*values)  # type: ignore[arg-type]
        elif isinstance(obj, CaseOutputRow) and obj.case_id == case_id:
            values = _loaded(obj, _OUTPUT_FIELDS)
            if values is None:
                return await read_parts(session, runtime, [case_id])
            outs[obj.id] = OutputView(*values)  # type: ignore[arg-type]
    return AnswerParts(
        {case_id: sorted(docs.values(), key=lambda v: (v.uploaded_at, v.id))},
        {case_id: sorted(outs.values(), key=lambda v: (v.created_at, v.number))} if outs
        else {})


def _loaded(obj: object, fields: tuple[str, ...]) -> tuple[object, ...] | None:
    """The object's values of ``fields`` as loaded (None if one is not: reading it would
    load it, which an async session cannot do here)."""
    state = vars(obj)
    if any(f not in state for f in fields):
        return None
    return tuple(state[f] for f in fields)
