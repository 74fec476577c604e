"""Accepting the documents of one request: every file is judged by its content before any
is stored, so a refusal (``DocumentRefused``, one ``errors[]`` entry per bad document)
leaves nothing behind; then each is stored, and if one fails (too large) the ones already
stored are removed again. Files of the folder store do not roll back with the request's
transaction: they are removed when it ends without a commit (the database store's rows go
with the rollback by themselves).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from shared.documents.folder import FolderStore
from shared.documents.names import normalise
from shared.documents.sniff import HEAD_BYTES, judge
from shared.documents.storage import DocumentStore, Readable, StoredFile, Upload
from shared.documents.types import DEFAULT_TYPES
from shared.sop.model import SopDefinition


class DocumentRefused(ValueError):
    """One or more documents are not what they must be (422, ``document-refused``)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(", ".join(str(e["field"]) for e in errors))
        self.errors = errors


class Peeked:
    """A readable whose first bytes were already read: they come first."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self._head = head
        self._rest = rest

    async def read(self, size: int = -1) -> bytes:
        if not self._head:
            return await self._rest.read(size)
        if size < 0:
            data, self._head = self._head + await self._rest.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data


async def _head(file: Readable) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES:
        more = await file.read(HEAD_BYTES - len(head))
        if not more:
            break
        head += more
    return head


@dataclass(frozen=True)
class Accepted:
    upload: Upload
    """The upload, its file rewound to the start, its name normalised."""
    content_type: str
    """The sniffed type."""


def allowed_types(sop: SopDefinition | None, key: str) -> tuple[str, ...]:
    """The types document ``key`` may have: the applicant's, or an officer action's."""
    spec = sop.document_spec(key) if sop else None
    return spec.allowed_types if spec is not None else DEFAULT_TYPES


async def accept(uploads: list[Upload], sop: SopDefinition | None) -> list[Accepted]:
    """Every upload judged by its content, or DocumentRefused naming each bad one."""
    accepted: list[Accepted] = []
    errors: list[dict[str, Any]] = []
    for upload in uploads:
        head = await _head(upload.file)
        verdict = judge(upload.key, head, upload.content_type, allowed_types(sop, upload.key))
        if verdict.problem is not None or verdict.content_type is None:
            errors.append(verdict.problem or {"field": f"documents.{upload.key}",
                                              "problem": "document-type-not-allowed"})
            continue
        name = normalise(upload.filename, upload.key, verdict.content_type)
        accepted.append(Accepted(replace(upload, filename=name,
                                         content_type=verdict.content_type,
                                         file=Peeked(head, upload.file)),
                                 verdict.content_type))
    if errors:
        raise DocumentRefused(errors)
    return accepted


async def store_all(store: DocumentStore, accepted: list[Accepted],
                    session: AsyncSession) -> list[tuple[Accepted, StoredFile]]:
    """Store each accepted upload; on a failure remove what this call stored, re-raise."""
    done: list[tuple[Accepted, StoredFile]] = []
    try:
        for item in accepted:
            done.append((item, await store.save(item.upload, session=session)))
    except BaseException:
        for _, stored in done:
            await store.delete(stored.path, session=session)
        raise
    if isinstance(store, FolderStore):
        _discard_unless_committed(session, store, [stored.path for _, stored in done])
    return done


def _discard_unless_committed(session: AsyncSession, store: FolderStore, keys: list[str]
                              ) -> None:
    state = {"committed": False, "done": False}

    def committed(sync: Session) -> None:
        if not sync.in_nested_transaction():  # a savepoint released is not the commit
            state["committed"] = True

    def ended(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None or state["done"]:
            return  # a savepoint, or already settled
        state["done"] = True
        if not state["committed"]:
            for key in keys:
                store.discard(key)

    event.listen(session.sync_session, "after_commit", committed)
    event.listen(session.sync_session, "after_transaction_end", ended)
