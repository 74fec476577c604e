"""The known services' routes as a plain ASGI layer, in front of FastAPI's routing.

A proxied request went through FastAPI's route matching (every included router's routes
before the routing part's) and its dependency layer (the route takes the request and a path
parameter) before :func:`gateway.routing.part.route_to_service` ran. :class:`ServiceProxy`
sits inside the gateway's middleware (CORS, request id, access log and metrics, body limits:
all as before) and hands a request for ``/api/v1/<known service>[/...]`` with one of the
routing part's methods straight to the same handler; everything else goes on to FastAPI.

What FastAPI's routing gave the handler is given here the same way: the path parameters
(``service``, ``path``), the matched route in ``scope["route"]`` (the routes of
:mod:`gateway.routing.known`, so the metrics and the access log keep the label
``/api/v1/{service:halo_service}/{path:path}``), and an exception answered by
the app's own handler for its type, looked up along the exception's classes as FastAPI's
exception middleware does (:mod:`shared.web.asgi_errors`): a :class:`ProblemError`, the
database away as 503 ``database-unavailable``, problem+json in the caller's language. An
exception that only the catch-all takes goes on to the app's error middleware, as from a
route.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.routing.known import router as known_router
from gateway.routing.part import METHODS, route_to_service
from gateway.settings import SERVICES
from shared.web.asgi_errors import handler_for

_PATH = re.compile("^/api/v1/(" + "|".join(re.escape(s) for s in SERVICES) + ")(?:/(.*))?$")
_METHODS = frozenset(METHODS)
_BARE, _WITH_PATH = (next(r for r in known_router.routes if getattr(r, "name", "") == name)
                     for name in ("route_to_known_service", "route_to_known_service_path"))


class ServiceProxy:
    """Pure-ASGI middleware: the proxy for the known services, else ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _METHODS:
            await self.app(scope, receive, send)
            return
        match = _PATH.match(get_route_path(scope))
        if match is None:
            await self.app(scope, receive, send)
            return
        service, path = match.group(1), match.group(2)
        params: dict[str, Any] = {"service": service}
        if path is not None:
            params["path"] = path
        scope["path_params"] = params
        scope["route"] = _BARE if path is None else _WITH_PATH
        request = Request(scope, receive, send)
        try:
            response = await route_to_service(service, request)
        except Exception as exc:
            handler = handler_for(scope["app"], exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        await response(scope, receive, send)
