"""The routing part: ``/api/v1/<service>/<path>`` for every method, to the service.

A bearer token is verified here first (an invalid one never reaches a service), then passed
on: services verify it again themselves. An officer's case submission whose ``on_behalf_of``
names no active citizen account is refused here (:mod:`gateway.routing.assisted`). Unknown
service: 404; unreachable: 503 ``service-unavailable``; no answer in time: 504
``upstream-timeout`` (all problem+json). A service's internal paths (``/metrics``, in any
spelling that reaches it) are never relayed: 404.
"""

from __future__ import annotations

import posixpath
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from gateway.routing.assisted import STATE_KEY as CITIZEN_CHECK
from gateway.routing.assisted import checked_body
from gateway.routing.clients import close_pools, upstream_for
from gateway.routing.proxy import (
    Upstream,
    UpstreamFailure,
    forward,
    relay_body,
    response_headers,
    small_body,
)
from gateway.runtime import GatewayPart, GatewayRuntime
from shared.auth.tokens import InvalidToken
from shared.engine.state import Principal
from shared.web.problems import ProblemError

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
INTERNAL_PATHS = frozenset({"metrics"})
"""First path segments of a service that the public gateway never relays."""
WaitForCase = Callable[[str, int], Awaitable[bool]]
router = APIRouter(tags=["routing"])


async def _check_bearer(request: Request, runtime: GatewayRuntime) -> Principal | None:
    """The caller a bearer token names (None without one); 401 for an invalid one."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        return await runtime.verifier.verify(token.strip())
    except InvalidToken as exc:
        request.state.auth_failure = exc.reason
        raise ProblemError(401, "unauthenticated",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
                           ) from None


@router.api_route("/api/v1/{service}", methods=METHODS, include_in_schema=False)
@router.api_route("/api/v1/{service}/{path:path}", methods=METHODS, include_in_schema=False)
async def route_to_service(service: str, request: Request) -> Response:
    """Forward the request to ``service`` (see :mod:`gateway.routing.proxy`)."""
    runtime: GatewayRuntime = request.app.state.runtime
    client = runtime.clients.get(service)
    if client is None:
        raise ProblemError(404, "service-not-found", service=service)
    if is_internal(request.path_params.get("path", "")):
        raise ProblemError(404, "not-found")
    who = await _check_bearer(request, runtime)
    body = await checked_body(request, who, runtime.state.get(CITIZEN_CHECK))
    idle_s = runtime.settings.connect_timeout_s + runtime.settings.read_timeout_s
    try:
        upstream = await forward(upstream_for(runtime.state, client), request, service,
                                 idle_s, body)
        pending = await _await_projection(runtime, request, upstream)
        whole = await small_body(upstream, request.method, idle_s)
    except UpstreamFailure as exc:
        raise ProblemError(exc.status, exc.code, service=service) from None
    response: Response
    if whole is not None:
        response = Response(whole, status_code=upstream.status)
    else:
        response = StreamingResponse(relay_body(upstream, service),
                                     status_code=upstream.status,
                                     background=BackgroundTask(upstream.aclose))
    response.raw_headers = response_headers(upstream)
    if pending is not None:
        response.raw_headers.append((b"x-tracking-pending", str(pending).encode()))
    return response


def is_internal(path: str) -> bool:
    """Whether the service-relative ``path`` names an internal path, however it is spelled
    (percent-escapes, ``.``/``..`` segments, repeated slashes, letter case)."""
    if "%" not in path and "." not in path and "\\" not in path:
        # Nothing to unescape or resolve: the first non-empty segment, as below (3 % of the
        # gateway's CPU per request went to the three unquote passes and normpath, issue 12).
        return path.lstrip("/").split("/", 1)[0].lower() in INTERNAL_PATHS
    text = path
    for _ in range(3):  # escapes of escapes
        text = unquote(text)
    first = posixpath.normpath("/" + text.replace("\\", "/")).lstrip("/").split("/", 1)[0]
    return first.lower() in INTERNAL_PATHS


async def _await_projection(runtime: GatewayRuntime, request: Request,
                            upstream: Upstream) -> int | None:
    """After a successful case write, wait (bounded) until the tracking read model shows it
    (see :mod:`gateway.tracking.visible`); the seq still pending when the budget ran out."""
    wait: WaitForCase | None = runtime.state.get("read_your_writes")
    if wait is None or request.method != "POST" or not 200 <= upstream.status < 300:
        return None
    case_id, seq = upstream.header(b"x-case-id"), upstream.header(b"x-case-seq") or b""
    if not case_id or not seq.isdigit():
        return None
    return None if await wait(case_id.decode("latin-1"), int(seq)) else int(seq)


async def stop(runtime: GatewayRuntime) -> None:
    close_pools(runtime.state)


PART = GatewayPart(name="routing", router=router, stop=stop)
