"""A case's documents: the list, and each file streamed back.

Read under the case's own rule (``CaseDep``: 404 ``case-not-found`` for a case the caller
may not see). The file goes out as an attachment with the type sniffed at upload,
``nosniff`` and ``no-store``; an officer's download is audited (documents carry personal
data). The first chunk is decrypted before the answer starts, so a stored file that fails
its integrity check is a 500 problem, never altered bytes; a later bad chunk cuts the
stream short (the client sees fewer bytes than ``Content-Length``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.documents import DocumentCorrupt, DocumentMissing
from shared.cases.officer_inputs import hidden_documents
from shared.cases.unmask import accounts_only
from shared.db.tables import CaseRow, DocumentRow
from shared.documents.names import content_disposition
from shared.engine.state import Principal
from shared.sop.model import SopDefinition
from shared.times import UtcDatetime
from shared.web.deps import CaseDep, CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime

log = logging.getLogger("halo.documents")
router = APIRouter(prefix="/cases", tags=["documents"])
DocumentId = Annotated[str, PathParam(min_length=1, max_length=36)]


class DocumentOut(BaseModel):
    id: str
    key: str
    label: str | None
    """The document's name in the SOP (kelengkapan)."""
    filename: str
    content_type: str
    """The type sniffed from the content at upload."""
    size: int
    sha256: str
    uploaded_at: UtcDatetime
    url: str
    """The download path on the service (through the gateway: under ``/api/v1/<service>``)."""


async def _hidden(session: AsyncSession, runtime: ServiceRuntime, sop: SopDefinition,
                  row: CaseRow, who: Principal) -> frozenset[str]:
    """Document keys kept from ``who``: officers' papers the SOP keeps from the applicant, and
    the applicant's documents a department conceals from other readers (Hooks.on_read)."""
    hidden = hidden_documents(sop, row, who)
    if who.subject != row.applicant_id:
        concealed = await runtime.cases.hooks.concealment(session, sop, row, who)
        hidden |= concealed.documents if concealed is not None else frozenset()
    return hidden


def document_url(doc: DocumentRow) -> str:
    return f"/cases/{doc.case_id}/documents/{doc.id}"


@router.get("/{case_id}/documents", response_model=list[DocumentOut])
async def list_documents(row: CaseDep, session: SessionDep, runtime: RuntimeDep,
                         who: CurrentPrincipal) -> list[DocumentOut]:
    """The case's documents, oldest first, with their SOP labels and download paths: the
    applicant's, and those officers attached with their actions (to the applicant only those
    the SOP makes visible to them)."""
    sop = await runtime.cases.sop_for(session, row)
    hidden = await _hidden(session, runtime, sop, row, who)
    out = []
    for d in await runtime.store.documents(session, row.id):
        if d.key in hidden:
            continue
        spec = sop.document_spec(d.key)
        out.append(DocumentOut(id=d.id, key=d.key, label=spec.label if spec else None,
                               filename=d.filename, content_type=d.content_type, size=d.size,
                               sha256=d.sha256, uploaded_at=d.uploaded_at, url=document_url(d)))
    return out


async def _then(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    try:
        async for chunk in rest:
            yield chunk
    except DocumentCorrupt:
        log.error("document failed its integrity check while streaming")
        raise


@router.get("/{case_id}/documents/{document_id}", response_class=StreamingResponse,
            responses={200: {"description": "The file (its sniffed type), as an attachment",
                             "content": {"application/pdf": {}, "image/*": {}}}})
async def download_document(row: CaseDep, document_id: DocumentId, session: SessionDep,
                            runtime: RuntimeDep, who: CurrentPrincipal) -> StreamingResponse:
    """One document of the case, streamed. An agency admin (accounts only, no case work) gets
    403 ``document-not-permitted``: documents are personal data, like the masked form."""
    docs = await runtime.store.documents(session, row.id)
    doc = next((d for d in docs if d.id == document_id), None)
    if doc is not None and doc.key in await _hidden(
            session, runtime, await runtime.cases.sop_for(session, row), row, who):
        doc = None  # kept from this reader (see _hidden): as if absent
    if doc is None:
        raise ProblemError(404, "document-not-found")
    if accounts_only(who) and who.subject != row.applicant_id:
        raise ProblemError(403, "document-not-permitted")  # an agency admin: accounts only
    chunks = runtime.cases.storage.open(doc.storage_path, session=session)
    try:
        first = await anext(chunks, b"")
    except (DocumentCorrupt, DocumentMissing) as exc:
        log.error("stored document unreadable", extra={"error": type(exc).__name__})
        raise ProblemError(500, "document-unreadable") from None
    if who.subject != row.applicant_id:
        await runtime.cases.audit(session, who, "document.read",
                                  f"case/{row.id}/document/{doc.id}", {"key": doc.key})
    headers = {"Content-Disposition": content_disposition(doc.filename),
               "Content-Length": str(doc.size), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, no-store"}
    return StreamingResponse(_then(first, chunks), media_type=doc.content_type,
                             headers=headers)
