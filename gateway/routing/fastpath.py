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
exception middleware does (:mod:`shared.web.plain_route`): a :class:`ProblemError`, the
database away as 503 ``database-unavailable``, problem+json in the caller's language. An
exception that only the catch-all takes goes on to the app's error middleware, as from a
route.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from starlette.responses import Response

from gateway.routing.known import router as known_router
from gateway.routing.part import METHODS, route_to_service
from gateway.settings import SERVICES
from shared.web.plain_route import PlainRoute

_PATH = re.compile("^/api/v1/(" + "|".join(re.escape(s) for s in SERVICES) + ")(?:/(.*))?$")
_BARE, _WITH_PATH = (next(r for r in known_router.routes if getattr(r, "name", "") == name)
                     for name in ("route_to_known_service", "route_to_known_service_path"))


class ServiceProxy(PlainRoute):
    """Pure-ASGI middleware: the proxy for the known services, else ``app``."""

    methods = frozenset(METHODS)
    path = _PATH

    async def handle(self, request: Request, match: re.Match[str]) -> Response:
        service, path = match.group(1), match.group(2)
        params: dict[str, Any] = {"service": service}
        if path is not None:
            params["path"] = path
        request.scope["path_params"] = params
        request.scope["route"] = _BARE if path is None else _WITH_PATH
        return await route_to_service(service, request)
