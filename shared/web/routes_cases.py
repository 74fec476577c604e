"""Generic case routes of every service: open, list, read, act, history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.hooks import CONCEALED
from shared.cases.officer_inputs import hidden_documents, officer_inputs_out
from shared.cases.pii import masked_view
from shared.cases.store import DocumentView
from shared.db.tables import CaseRow
from shared.engine.resubmission import Requested
from shared.engine.state import ActionOption, CaseStatus, Items, Principal
from shared.outputs.store import OutputView
from shared.sop.model import SopDefinition
from shared.web.answer_parts import AnswerParts, parts_after_act, read_parts
from shared.web.bodies import read_body
from shared.web.deps import (
    CaseDep,
    CurrentPrincipal,
    LockedCaseDep,
    RuntimeDep,
    SessionDep,
)
from shared.web.paging import MAX_OFFSET
from shared.web.runtime import ServiceRuntime
from shared.web.schemas import (
    ActionOut,
    ActOnCase,
    CaseOut,
    CurrentStep,
    HistoryOut,
    ItemOut,
    ItemsOut,
    OpenCase,
    RequestedItems,
    ServiceCasePage,
)

router = APIRouter(prefix="/cases", tags=["cases"])
WRITE_HEADERS = {"X-Case-Id": {"description": "The case written", "schema": {"type": "string"}},
                 "X-Case-Seq": {"description": "The case's history position after the write: "
                                "read models (the gateway's inbox) show the write once they "
                                "reach it", "schema": {"type": "integer"}}}


def _written(response: Response, row: CaseRow) -> None:
    """Say which case and history position the write produced (read-your-writes)."""
    response.headers["X-Case-Id"] = row.id
    response.headers["X-Case-Seq"] = str(row.seq)


async def case_out(session: AsyncSession, runtime: ServiceRuntime, row: CaseRow,
                   who: Principal) -> CaseOut:
    """The case as ``who`` may see it: the applicant reads their own form in full, everyone
    else with the personal fields masked (``masked`` names them); an officer working on the
    case reveals them with ``POST /cases/{id}/unmask`` (audited)."""
    return (await case_outs(session, runtime, [row], who))[0]


async def case_outs(session: AsyncSession, runtime: ServiceRuntime, rows: list[CaseRow],
                    who: Principal, parts: AnswerParts | None = None) -> list[CaseOut]:
    """:func:`case_out` of every row, with the documents and outputs of all of them read in
    one query each (or given, as ``parts``): a page costs the same number of statements
    whatever its size (the SOP versions come from the catalog's cache)."""
    if parts is None:
        parts = await read_parts(session, runtime, [r.id for r in rows])
    return [await _case_out(session, runtime, r, who, parts.documents[r.id],
                            parts.outputs.get(r.id, [])) for r in rows]


async def _case_out(session: AsyncSession, runtime: ServiceRuntime, row: CaseRow,
                    who: Principal, documents: list[DocumentView],
                    outs: list[OutputView]) -> CaseOut:
    sop = await runtime.cases.sop_for(session, row)
    current = None
    if row.step_id and row.status in ("open", "returned"):
        step = sop.step(row.step_id)
        returned = row.status == "returned"
        due = row.applicant_due_at if returned else row.step_due_at
        wanted = _requested(sop, row) if returned else None
        current = CurrentStep(
            id=step.id, nomor=step.nomor,
            activity=_applicant_task(wanted) if wanted is not None else step.activity,
            reason=row.return_reason if returned else None, requested=wanted,
            returned_from=step.activity if returned else None,
            role="pemohon" if returned else step.actor,
            agency=None if returned else (step.agency or sop.agency),
            kind="applicant" if returned else step.kind, due_at=due,
            overdue=bool(due and due < runtime.clock()),
            escalated_to=[f"{a}:{r}" for a, r in ((row.escalated_agency, row.escalated_role),
                                                   (row.escalated2_agency, row.escalated2_role))
                          if a and r and not returned])
    personal = sop.personal_fields()
    masked: list[str] = []
    concealed = None
    if who.subject == row.applicant_id:
        form = runtime.cases.cipher.open_form(row.form, personal)
    else:
        form, masked = masked_view(row.form, personal, runtime.cases.cipher)
        concealed = await runtime.cases.hooks.concealment(session, sop, row, who)
        if concealed is not None:  # a department conceals fields outright (anonymous reports)
            form = {k: CONCEALED if k in concealed.fields and v is not None else v
                    for k, v in form.items()}
            masked += [k for k in form if k in concealed.fields and k not in masked
                       and form[k] is not None]
    options = await runtime.cases.options(session, row, who)
    hidden = hidden_documents(sop, row, who) | (concealed.documents if concealed else set())
    docs = [d for d in documents if d.key not in hidden]
    return CaseOut(
        case_id=row.id, tracking_no=row.tracking_no, service=runtime.settings.service,
        sop_key=row.sop_key, sop_version=row.sop_version, title=sop.title, agency=sop.agency,
        status=row.status, current_step=current, applicant_due_at=row.applicant_due_at,
        created_at=row.created_at, updated_at=row.updated_at, closed_at=row.closed_at,
        outcome_reason=row.outcome_reason, return_reason=row.return_reason,
        requested=RequestedItems(documents=row.requested_documents,
                                 fields=row.requested_fields) if row.status == "returned"
        else None, auto_complete_at=row.auto_complete_at, form=form, masked=masked,
        documents=[{"id": d.id, "key": d.key, "label": _document_label(sop, d.key),
                    "filename": d.filename, "size": d.size,
                    "sha256": d.sha256, "content_type": d.content_type,
                    "url": f"/cases/{row.id}/documents/{d.id}"} for d in docs],
        outputs=[{"id": o.id, "kind": o.kind, "title": o.title, "number": o.number,
                  "status": o.status, "verify_code": o.verify_code,
                  "url": f"/cases/{row.id}/outputs/{o.id}/pdf"
                  if o.status in ("issued", "revoked") else None} for o in outs],
        actions=[_action_out(o) for o in options],
        officer_inputs=officer_inputs_out(sop, row, who, runtime.cases.cipher))


def _requested(sop: SopDefinition, row: CaseRow) -> ItemsOut:
    """What the return asked for, with the SOP's labels."""
    docs = {d.key: d.label for d in sop.documents}
    form = {f.name: f.label for f in sop.form}
    return ItemsOut(
        documents=[ItemOut(key=k, label=docs.get(k, k), required=True)
                   for k in row.requested_documents],
        fields=[ItemOut(key=k, label=form.get(k, k), required=True)
                for k in row.requested_fields])


def _document_label(sop: SopDefinition, key: str) -> str | None:
    """The document's name in the SOP: the applicant's kelengkapan or an officer's paper."""
    spec = sop.document_spec(key)
    return spec.label if spec is not None else None


def _applicant_task(wanted: ItemsOut) -> str:
    """The applicant's task on a returned case, in one sentence (Bahasa Indonesia)."""
    parts = []
    if wanted.documents:
        parts.append("unggah kembali " + "; ".join(d.label for d in wanted.documents))
    if wanted.fields:
        parts.append("perbaiki isian " + "; ".join(f.label for f in wanted.fields))
    ask = ", ".join(parts) if parts else "lengkapi sesuai alasan petugas"
    return f"Lengkapi berkas yang dikembalikan petugas sebelum batas waktu: {ask}."


def _items(items: Items | None) -> ItemsOut | None:
    if items is None:
        return None
    return ItemsOut(documents=[ItemOut(**asdict(i)) for i in items.documents],
                    fields=[ItemOut(**asdict(i)) for i in items.fields])


def _action_out(o: ActionOption) -> ActionOut:
    return ActionOut(step=o.step_id, name=o.name, label=o.label, kind=o.kind, to=o.to,
                     comment_required=o.comment_required, deadline=o.deadline,
                     requestable=_items(o.requestable), requires=_items(o.requires),
                     accepts=_items(o.accepts))


@router.post("", status_code=201, response_model=CaseOut,
             responses={201: {"headers": WRITE_HEADERS}}, openapi_extra={
    "requestBody": {"content": {
        "application/json": {"schema": OpenCase.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "data": {"type": "string", "description": "OpenCase as JSON"}},
            "additionalProperties": {"type": "string", "format": "binary"}}}}}})
async def open_case(request: Request, response: Response, session: SessionDep,
                    runtime: RuntimeDep, who: CurrentPrincipal) -> CaseOut:
    """Submit a request on an SOP, with form data and documents (one file per document key).
    An officer at the counter submits for a citizen with ``on_behalf_of``."""
    body, uploads = await read_body(request, OpenCase)
    row = await runtime.cases.open_case(session, who, body.sop_key, body.form, uploads,
                                        on_behalf_of=body.on_behalf_of)
    _written(response, row)
    return await case_out(session, runtime, row, who)


@router.get("", response_model=ServiceCasePage)
async def list_cases(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal,
                     status: CaseStatus | None = None,
                     sop_key: Annotated[str | None, Query(max_length=120)] = None,
                     scope: Annotated[str, Query(pattern="^(mine|inbox)$")] = "mine",
                     limit: Annotated[int, Query(ge=1, le=100)] = 20,
                     offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0
                     ) -> ServiceCasePage:
    """``scope=mine``: the caller's own cases. ``scope=inbox``: open cases whose current step
    the caller's roles hold, earliest due first."""
    if scope == "inbox":
        scopes = [tuple(r.split(":", 1)) for r in who.roles if ":" in r]
        rows, total = await runtime.store.list_cases(
            session, scopes=[(a, r) for a, r in scopes], status=status, sop_key=sop_key,
            limit=limit, offset=offset)
    else:
        rows, total = await runtime.store.list_cases(session, applicant=who.subject,
                                                     status=status, sop_key=sop_key,
                                                     limit=limit, offset=offset)
    items = await case_outs(session, runtime, rows, who)
    return ServiceCasePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{case_id}", response_model=CaseOut)
async def get_case(row: CaseDep, session: SessionDep, runtime: RuntimeDep,
                   who: CurrentPrincipal) -> CaseOut:
    return await case_out(session, runtime, row, who)


@router.get("/{case_id}/history", response_model=list[HistoryOut])
async def case_history(row: CaseDep, session: SessionDep, runtime: RuntimeDep,
                       who: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every transition, in order: actor role and agency, action, comment, documents, times.
    An assisted submission says who assisted (``data.assisted_by``: agency, role; the
    officer's account id only to officers)."""
    entries = [h.model_dump() for h in await runtime.store.history(session, row.id)]
    if not who.agencies():
        for entry in entries:
            helper = entry.get("data", {}).get("assisted_by")
            if isinstance(helper, dict):
                helper.pop("actor_id", None)
    return entries


@router.post("/{case_id}/actions", response_model=CaseOut,
             responses={200: {"headers": WRITE_HEADERS}}, openapi_extra={
    "requestBody": {"content": {
        "application/json": {"schema": ActOnCase.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "data": {"type": "string", "description": "ActOnCase as JSON"}},
            "additionalProperties": {"type": "string", "format": "binary"}}}}}})
async def act_on_case(request: Request, response: Response, row: LockedCaseDep,
                      session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                      ) -> CaseOut:
    """Take an action at the case's current step (officer step, applicant step, external
    callback, resubmission ``lengkapi`` or withdrawal ``batalkan``)."""
    out, row = await act_and_answer(request, session, runtime, row, who)
    _written(response, row)
    return out


async def act_and_answer(request: Request, session: AsyncSession, runtime: ServiceRuntime,
                         row: CaseRow, who: Principal) -> tuple[CaseOut, CaseRow]:
    """The action the request's body names, on the locked ``row``; the answer and the row
    as written. The route above and the plain ASGI endpoint of
    :mod:`shared.web.act_endpoint` both act through this."""
    body, uploads = await read_body(request, ActOnCase)
    wanted = body.requested
    # Read before the act (shared/web/answer_parts.py): not inside the document-number lock.
    before = await read_parts(session, runtime, [row.id])
    row = await runtime.cases.act(session, row, who, body.action, step=body.step,
                                  comment=body.comment, form=body.form, uploads=uploads,
                                  requested=Requested(tuple(wanted.documents),
                                                      tuple(wanted.fields)) if wanted else None)
    parts = await parts_after_act(session, runtime, row.id, before)
    return (await case_outs(session, runtime, [row], who, parts))[0], row
