"""The verify part: ``GET /verify/{code}``, public, for anyone holding a signed document.

The code's first two letters name the service that issued it (the tracking number's
service code); the gateway asks that service's ``/outputs/verify/{code}`` and answers HTML
for a browser (``Accept: text/html``), JSON otherwise. An unknown or forged code is a 404
with a clear message; a service that is down a 503. No login; nothing personal is shown
(the service's answer carries no NIK, KK or form value).
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.verify.page import render_result, render_unknown
from shared.outputs.codes import normalise_code, service_of
from shared.web.i18n import language, message
from shared.web.problems import ProblemError

router = APIRouter(tags=["verify"])
_NO_STORE = {"Cache-Control": "no-store"}
"""A revocation must show at once: no cache keeps the earlier answer."""


@router.get("/verify/{code}", response_model=None,
            responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}},
                       404: {"description": "Unknown code (an HTML page for a browser)",
                             "content": {"text/html": {"schema": {"type": "string"}}}}})
async def verify(code: str, request: Request) -> Response:
    """Whether the document with this verification code is valid, revoked or expired."""
    runtime: GatewayRuntime = request.app.state.runtime
    html = "text/html" in request.headers.get("accept", "")
    canonical = normalise_code(code)
    service = service_of(canonical) if canonical else None
    client = runtime.clients.get(service) if service else None
    if canonical is None or service is None or client is None:
        return _unknown(request, html)
    try:
        upstream = await client.get(f"/outputs/verify/{canonical}", headers={
            "Accept": "application/json",
            "X-Request-ID": getattr(request.state, "request_id", "") or "-"})
    except httpx.TimeoutException:
        raise ProblemError(504, "upstream-timeout", service=service) from None
    except httpx.HTTPError:
        raise ProblemError(503, "service-unavailable", service=service) from None
    if upstream.status_code == 404:
        return _unknown(request, html)
    if upstream.status_code != 200:
        raise ProblemError(503, "service-unavailable", service=service)
    result = upstream.json()
    if html:
        return HTMLResponse(render_result(result), headers=_NO_STORE)
    return JSONResponse(result, headers=_NO_STORE)


def _unknown(request: Request, html: bool) -> Response:
    if not html:
        raise ProblemError(404, "output-unknown", headers=_NO_STORE)
    lang = language(request.headers.get("accept-language"))
    return HTMLResponse(render_unknown(message("output-unknown", lang, {})), status_code=404,
                        headers=_NO_STORE)


PART = GatewayPart(name="verify", router=router)
