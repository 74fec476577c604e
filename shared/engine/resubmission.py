"""What a return asks for, and whether a resubmission brings it.

An officer who returns a file (berkas tidak lengkap) may name the documents to upload again
and the form fields to correct. The applicant's ``lengkapi`` must then bring every one of
them. A return that names nothing still needs an answer: at least one document, one corrected
field or a comment; an empty resubmission is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.engine.errors import EngineError
from shared.engine.state import CaseState
from shared.sop.model import SopDefinition


@dataclass(frozen=True)
class Requested:
    """Documents (keys) and form fields (names) a return asks the applicant for."""

    documents: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


class UnknownRequested(EngineError):
    """A return names a document or field the SOP does not have."""

    code = "requested-unknown"
    status = 422


class RequestNotAccepted(EngineError):
    """Requested items sent with an action that does not return the file."""

    code = "requested-not-accepted"
    status = 422


class ResubmissionIncomplete(EngineError):
    """The resubmission does not bring what the return asked for."""

    code = "resubmission-incomplete"
    status = 422


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def check_requested(sop: SopDefinition, requested: Requested) -> Requested:
    """``requested`` without duplicates, or :class:`UnknownRequested` naming what the SOP
    does not know."""
    docs, fields = _unique(requested.documents), _unique(requested.fields)
    known_docs = {d.key for d in sop.documents}
    known_fields = {f.name for f in sop.form}
    unknown = [d for d in docs if d not in known_docs] + [f for f in fields
                                                          if f not in known_fields]
    if unknown:
        raise UnknownRequested(items=", ".join(unknown))
    return Requested(documents=docs, fields=fields)


def check_resubmission(case: CaseState, form: dict[str, object], documents: Iterable[str],
                       comment: str | None) -> None:
    """Refuse a ``lengkapi`` that misses a requested item, or that brings nothing at all."""
    docs = set(documents)
    missing = [d for d in case.requested_documents if d not in docs]
    missing += [f for f in case.requested_fields if f not in form]
    if missing:
        raise ResubmissionIncomplete(missing=", ".join(missing))
    if not (docs or form or (comment and comment.strip())):
        raise ResubmissionIncomplete(missing="dokumen, isian, atau keterangan")
