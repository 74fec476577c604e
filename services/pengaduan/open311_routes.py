"""The Open311 GeoReport v2 facade (JSON and XML by extension), under ``/open311/v2``;
through the gateway ``/api/v1/pengaduan/open311/v2``.

- ``GET services.{fmt}``, ``GET services/{service_code}.{fmt}``: the offered complaint SOPs
  and their definitions (:mod:`services.pengaduan.open311_mapping`).
- ``POST requests.{fmt}`` (form-encoded, ``api_key`` required): opens a case; answers the
  tracking number as ``service_request_id`` and a ``token``.
- ``GET requests.{fmt}``, ``GET requests/{id}.{fmt}``, ``GET tokens/{token}.{fmt}``.

Every failure of these routes, bad parameters included, answers the spec's error shape
(:mod:`services.pengaduan.open311_format`) with 400, 403 or 404, never problem+json.
``jurisdiction_id``, when given, must be the regency's (404 otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from services.pengaduan import (
    messages_open311,  # noqa: F401  (registers the message codes)
    open311_store,
    open311_views,
)
from services.pengaduan.open311_format import FORMATS, Open311Error, fmt_of, render, render_error
from services.pengaduan.open311_mapping import definition, service_entry
from services.pengaduan.open311_service import (
    FieldErrors,
    Submission,
    authenticate,
    offered_sop,
    offered_sops,
    post_request,
)
from services.pengaduan.open311_settings import Open311Settings
from shared.web.deps import RuntimeDep, SessionDep
from shared.web.i18n import language, message

_ATTRIBUTE = re.compile(r"^attribute\[([a-z][a-z0-9_]{0,79})\](\[\])?$")
MAX_ATTRIBUTES = 60


def _describe(request: Request, exc: Open311Error) -> list[str]:
    lang = language(request.headers.get("accept-language"))
    if isinstance(exc, FieldErrors):
        return exc.describe(lang)
    params = {"request_id": getattr(request.state, "request_id", "-"), **exc.params}
    return [message(exc.code, lang, params)]


class Open311Route(APIRoute):
    """A route whose every expected failure answers as a GeoReport error."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            raw = request.path_params.get("fmt")
            fmt = raw if raw in FORMATS else "json"
            try:
                return await handle(request)
            except Open311Error as exc:
                return render_error(fmt, exc.status, _describe(request, exc))
            except RequestValidationError as exc:
                lang = language(request.headers.get("accept-language"))
                names = dict.fromkeys(str(e.get("loc", ("", "?"))[-1]) for e in exc.errors())
                return render_error(fmt, 400, [message("open311-parameter", lang, {"param": n})
                                               for n in names])

        return route


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Parameter hilang atau tidak sah (format galat GeoReport)"},
    403: {"description": "api_key tidak sah (format galat GeoReport)"},
    404: {"description": "Tidak ditemukan (format galat GeoReport)"},
}
BODY: dict[int | str, dict[str, Any]] = {200: {"content": {
    "application/json": {}, "text/xml": {}}}}
router = APIRouter(prefix="/open311/v2", tags=["pengaduan-open311"], route_class=Open311Route,
                   responses={**BODY, **ERRORS})
Jurisdiction = Annotated[str | None, Query(max_length=100)]
Short = Annotated[str | None, Query(max_length=120)]
Dates = Annotated[str | None, Query(max_length=40)]
Ids = Annotated[str | None, Query(max_length=24000)]


def _check_jurisdiction(given: str | None) -> None:
    expected = Open311Settings.from_env().jurisdiction
    if given is not None and given != expected:
        raise Open311Error(404, "open311-jurisdiction", expected=expected)


@router.get("/services.{fmt}", summary="GeoReport: daftar layanan pengaduan")
async def services(fmt: str, session: SessionDep, runtime: RuntimeDep,
                   jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    entries = []
    for sop in await offered_sops(session, runtime):
        agency = runtime.registry.agencies.get(sop.agency)
        entries.append(service_entry(sop, agency.name if agency else sop.agency))
    return render(fmt, "services", entries)


@router.get("/services/{service_code}.{fmt}", summary="GeoReport: definisi layanan")
async def service_definition(service_code: str, fmt: str, session: SessionDep,
                             runtime: RuntimeDep, jurisdiction_id: Jurisdiction = None
                             ) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    sop = await offered_sop(session, runtime, service_code)
    return render(fmt, "service_definition", definition(sop))


def _attributes(form: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        matched = _ATTRIBUTE.match(name)
        if matched is None:
            if name.startswith("attribute["):
                raise Open311Error(400, "open311-parameter", param=name[:90])
            continue
        if not isinstance(value, str) or len(value) > 4000:
            raise Open311Error(400, "open311-parameter", param=f"attribute[{matched[1]}]")
        found.setdefault(matched[1], []).append(value)
    if len(found) > MAX_ATTRIBUTES:
        raise Open311Error(400, "open311-parameter", param="attribute")
    return found


def _form(size: int) -> Any:
    return Form(max_length=size)


@router.post("/requests.{fmt}", summary="GeoReport: kirim pengaduan (perlu api_key)")
async def create_request(
    fmt: str, request: Request, session: SessionDep, runtime: RuntimeDep,
    api_key: Annotated[str | None, _form(200)] = None,
    jurisdiction_id: Annotated[str | None, _form(100)] = None,
    service_code: Annotated[str | None, _form(120)] = None,
    lat: Annotated[str | None, _form(40)] = None,
    long: Annotated[str | None, _form(40)] = None,
    address_string: Annotated[str | None, _form(500)] = None,
    address_id: Annotated[str | None, _form(200)] = None,
    email: Annotated[str | None, _form(254)] = None,
    device_id: Annotated[str | None, _form(200)] = None,
    account_id: Annotated[str | None, _form(200)] = None,
    first_name: Annotated[str | None, _form(100)] = None,
    last_name: Annotated[str | None, _form(100)] = None,
    phone: Annotated[str | None, _form(20)] = None,
    description: Annotated[str | None, _form(4000)] = None,
    media_url: Annotated[str | None, _form(2000)] = None,
) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    key = await authenticate(session, api_key)
    sub = Submission(
        service_code=service_code, lat=lat, long=long, address_string=address_string,
        address_id=address_id, email=email, device_id=device_id, account_id=account_id,
        first_name=first_name, last_name=last_name, phone=phone, description=description,
        media_url=media_url, attributes=_attributes(await request.form()))
    case, token = await post_request(session, runtime, key, sub)
    notice = (f"Pengaduan diterima dengan nomor {case.tracking_no}; lacak statusnya di "
              "Halo Lamsel.")
    return render(fmt, "service_requests", [{
        "service_request_id": case.tracking_no, "token": token.token,
        "service_notice": notice, "account_id": None}])


@router.get("/requests.{fmt}", summary="GeoReport: cari pengaduan")
async def requests(fmt: str, session: SessionDep, runtime: RuntimeDep,
                   jurisdiction_id: Jurisdiction = None, service_request_id: Ids = None,
                   service_code: Annotated[str | None, Query(max_length=2000)] = None,
                   start_date: Dates = None, end_date: Dates = None,
                   status: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    found = await open311_views.search(session, runtime, ids=service_request_id,
                                       codes=service_code, start_date=start_date,
                                       end_date=end_date, status=status)
    return render(fmt, "service_requests", found)


@router.get("/requests/{service_request_id}.{fmt}", summary="GeoReport: satu pengaduan")
async def one_request(service_request_id: str, fmt: str, session: SessionDep,
                      runtime: RuntimeDep, jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    if len(service_request_id) > 20:
        raise Open311Error(404, "open311-request-not-found")
    return render(fmt, "service_requests",
                  [await open311_views.one(session, runtime, service_request_id)])


@router.get("/tokens/{token}.{fmt}", summary="GeoReport: nomor pengaduan dari token")
async def token(token: str, fmt: str, session: SessionDep,
                jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = fmt_of(fmt)
    _check_jurisdiction(jurisdiction_id)
    found = await open311_store.token(session, token) if len(token) <= 36 else None
    if found is None:
        raise Open311Error(404, "open311-token-not-found")
    return render(fmt, "service_requests", [{"service_request_id": found.tracking_no,
                                             "token": found.token}])
