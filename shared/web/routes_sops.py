"""Generic SOP routes of every service: catalog, detail, versions, service standard, publish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.catalog import DECLINED, WITHDRAWN, AcceptRefused, foreign_agencies
from shared.db.tables import SopVersionRow
from shared.engine.state import Principal
from shared.redact import scrub
from shared.sop.categories import category_label
from shared.sop.model import SopDefinition
from shared.sop.standard import service_standard, total_time
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.paging import MAX_VERSION
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime
from shared.web.schemas import SopSummary
from shared.web.schemas_sops import (
    PublishedSop,
    ServiceStandardOut,
    SopVersionClose,
    SopVersionOut,
)
from shared.web.sop_body import MAX_DEFINITION_BYTES, read_definition
from shared.web.standard_html import render_standard
from shared.web.text import Line

router = APIRouter(prefix="/sops", tags=["sops"])
Version = Annotated[int | None, Query(ge=1, le=MAX_VERSION)]


@router.get("", response_model=list[SopSummary])
async def list_sops(session: SessionDep, runtime: RuntimeDep, request: Request,
                    q: Annotated[Line | None, Query(max_length=200)] = None
                    ) -> list[SopSummary]:
    """The service's SOPs (newest version of each), optionally filtered by ``q``."""
    sops = await runtime.catalog.latest_all(session)
    if q:
        needle = q.lower()
        sops = [s for s in sops if needle in
                f"{s.title} {s.display_title or ''} {s.agency} {s.category} "
                f"{category_label(s.category)} {s.key}".lower()]
    base = str(request.url_for("list_sops"))
    return [SopSummary(key=s.key, version=s.version, title=s.title,
                       display_title=s.display_title or s.title, agency=s.agency,
                       category=s.category, category_label=category_label(s.category),
                       service=s.service, steps=len(s.steps),
                       total_time=total_time(s)["label"],
                       requirements=[d.label for d in s.documents],
                       standard_url=f"{base}/{s.key}/standard") for s in sops]


@router.get("/{key}", response_model=SopDefinition, response_model_exclude_none=True)
async def get_sop(key: str, session: SessionDep, runtime: RuntimeDep,
                  version: Version = None) -> SopDefinition:
    """One SOP definition (the newest version unless ``version`` is given): its steps,
    actions, and the form definition (``form`` fields and ``documents`` to upload)."""
    sop = await runtime.catalog.get(session, key, version)
    if sop is None:
        raise ProblemError(404, "sop-not-found", key=key)
    return sop


@router.get("/{key}/versions", response_model=list[SopVersionOut])
async def sop_versions(key: str, session: SessionDep, runtime: RuntimeDep
                       ) -> list[SopVersionOut]:
    rows = await runtime.catalog.versions(session, key)
    if not rows:
        raise ProblemError(404, "sop-not-found", key=key)
    return [SopVersionOut(version=r.version, origin=r.origin, published_at=r.published_at,
                          title=r.title, status=r.status, awaiting=list(r.awaiting),
                          accepted=list(r.accepted)) for r in rows]


@router.get("/{key}/standard", response_model=ServiceStandardOut,
            responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
async def sop_standard(key: str, request: Request, session: SessionDep, runtime: RuntimeDep,
                       version: Version = None,
                       format: Annotated[str | None, Query(pattern="^(html|json)$")] = None
                       ) -> ServiceStandardOut | HTMLResponse:
    """The service standard, as JSON, or as HTML for a browser (``Accept: text/html``)."""
    sop = await runtime.catalog.get(session, key, version)
    if sop is None:
        raise ProblemError(404, "sop-not-found", key=key)
    std = service_standard(sop, runtime.registry)
    wants_html = format == "html" or (format is None and "text/html" in
                                      request.headers.get("accept", ""))
    if wants_html:
        return HTMLResponse(render_standard(std))
    return ServiceStandardOut.model_validate(std)


YAML_BODY = {"schema": {"type": "string", "description": (
    "The SOP file as written in `services/*/sops/*.yaml` (docs/sop-authoring.md): the same "
    "fields as the JSON `SopDefinition`. Safe YAML without aliases, at most "
    f"{MAX_DEFINITION_BYTES} bytes, a mapping at the top level.")}}


@router.post("", status_code=201, response_model=PublishedSop, openapi_extra={
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/SopDefinition"}},
        "application/yaml": YAML_BODY, "text/yaml": YAML_BODY}}})
async def publish_sop(request: Request, session: SessionDep, runtime: RuntimeDep,
                      who: CurrentPrincipal) -> PublishedSop:
    """Publish a new SOP, or a new version of one, for the caller's agency.

    The body is the definition as JSON, or the YAML file itself (`application/yaml` or
    `text/yaml`). Validated like the files at start-up; every problem is listed (422
    `sop-invalid`, `errors[]` with `step`, `field` and `message`). Earlier versions stay and
    cases already running keep theirs. Only the agency's admin (or a platform admin) may,
    for an agency the service hosts (403 `sop-agency-not-hosted`). A version giving steps to
    another agency (`steps[].agency`) is stored `pending` until that agency's admin accepts it
    (`POST /sops/{key}/versions/{version}/accept`); until then new cases start on the newest
    active version, and the key takes no further version (409 `sop-version-pending`).
    """
    body = await read_definition(request)
    agency = str(body.get("agency", ""))
    if not (who.is_admin or who.has(agency, "admin")):
        raise ProblemError(403, "forbidden")
    if agency not in runtime.catalog.hosts:
        raise ProblemError(403, "sop-agency-not-hosted", agency=agency,
                           service=runtime.settings.service)
    key = str(body.get("key", ""))
    current = await runtime.catalog.get(session, key)
    if current is not None and current.agency != agency and not who.is_admin:
        raise ProblemError(403, "forbidden")
    prefix = f"{runtime.settings.service}-"
    if current is None and not key.startswith(prefix):
        # A new key starts with the service's name: no shipped key of another service does,
        # so a key published here can never name another service's SOP in the catalog.
        raise ProblemError(422, "sop-key-prefix", key=key, prefix=prefix)
    try:
        sop = await runtime.cases.publish_sop(session, who, body)
    except AcceptRefused as exc:
        raise ProblemError(exc.status, exc.code, key=key) from None
    awaiting = foreign_agencies(sop)
    return PublishedSop(key=sop.key, version=sop.version, title=sop.title, agency=sop.agency,
                        status="pending" if awaiting else "active", awaiting=awaiting)


@router.post("/{key}/versions/{version}/accept", response_model=SopVersionOut, responses={
    403: {"description": "The caller is not the admin of an agency the version awaits "
                         "(`sop-accept-not-permitted`)"},
    404: {"description": "No such version (`sop-not-found`)"},
    409: {"description": "The version is not pending (`sop-version-not-pending`)"}})
async def accept_version(key: str, version: Annotated[int, Path(ge=1, le=MAX_VERSION)],
                         session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                         ) -> SopVersionOut:
    """The admin of an agency given steps in a pending version accepts them (audited
    ``sop.accepted``). When every such agency has accepted, the version becomes the newest
    active one: new cases start on it; running cases keep their version."""
    mine = frozenset(a for a in who.agencies() if who.has(a, "admin"))
    try:
        row, accepted = await runtime.catalog.accept(session, key, version, mine)
    except AcceptRefused as exc:
        raise ProblemError(exc.status, exc.code, key=key) from None
    await runtime.cases.audit(session, who, "sop.accepted",
                              f"{runtime.settings.service}/{key}@v{version}",
                              {"agencies": accepted, "active": row.status == "active"})
    return _version_out(row)


CLOSE_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such version (`sop-not-found`)"},
    409: {"description": "The version is not pending (`sop-version-not-pending`)"},
    422: {"description": "No reason, or one too short or too long (`validation-error`)"}}


@router.post("/{key}/versions/{version}/withdraw", response_model=SopVersionOut, responses={
    403: {"description": "The caller is neither the admin of the publishing agency nor a "
                         "platform admin (`sop-withdraw-not-permitted`)"}, **CLOSE_RESPONSES})
async def withdraw_version(key: str, version: Annotated[int, Path(ge=1, le=MAX_VERSION)],
                           body: SopVersionClose, session: SessionDep, runtime: RuntimeDep,
                           who: CurrentPrincipal) -> SopVersionOut:
    """The publishing agency's admin (or a platform admin) withdraws a version still awaiting
    acceptance, with a reason (audited ``sop.withdrawn``). It never becomes active; the key
    takes a new version again (the withdrawn number stays taken)."""
    def may(row: SopVersionRow) -> bool:
        return who.is_admin or who.has(row.agency, "admin")
    return await _close(session, runtime, who, key, version, WITHDRAWN, may, body.reason)


@router.post("/{key}/versions/{version}/decline", response_model=SopVersionOut, responses={
    403: {"description": "The caller is not the admin of an agency the version awaits "
                         "(`sop-decline-not-permitted`)"}, **CLOSE_RESPONSES})
async def decline_version(key: str, version: Annotated[int, Path(ge=1, le=MAX_VERSION)],
                          body: SopVersionClose, session: SessionDep, runtime: RuntimeDep,
                          who: CurrentPrincipal) -> SopVersionOut:
    """The admin of an agency a pending version gives steps to, and that has not accepted it,
    declines it with a reason (audited ``sop.declined``). It never becomes active; the
    publishing agency may publish a new version."""
    def may(row: SopVersionRow) -> bool:
        return any(who.has(agency, "admin") for agency in row.awaiting)
    return await _close(session, runtime, who, key, version, DECLINED, may, body.reason)


async def _close(session: AsyncSession, runtime: ServiceRuntime, who: Principal, key: str,
                 version: int, status: str, may: Callable[[SopVersionRow], bool], reason: str
                 ) -> SopVersionOut:
    try:
        row = await runtime.catalog.close_pending(session, key, version, status, may)
    except AcceptRefused as exc:
        raise ProblemError(exc.status, exc.code, key=key) from None
    await runtime.cases.audit(session, who, f"sop.{status}",
                              f"{runtime.settings.service}/{key}@v{version}",
                              {"awaiting": list(row.awaiting), "reason": scrub(reason)})
    return _version_out(row)


def _version_out(row: SopVersionRow) -> SopVersionOut:
    return SopVersionOut(version=row.version, origin=row.origin, published_at=row.published_at,
                         title=row.title, status=row.status, awaiting=list(row.awaiting),
                         accepted=list(row.accepted))
