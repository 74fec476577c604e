"""A route served as plain ASGI middleware, in front of FastAPI's routing, for the few hot
paths where FastAPI's route scan, dependency solving and response handling cost most (the
gateway's proxy, a service's act): requests of its methods whose path matches go to
:meth:`PlainRoute.handle`, everything else on to the app.

What FastAPI's routing gave a route, the subclass gives the same way (``path_params``, the
matched route in ``scope["route"]`` for metrics and the access log). An exception is answered
by the app's handler for its class (:mod:`shared.web.asgi_errors`); one only the catch-all
takes goes on to the app's error middleware, as from a route. A multipart body's spooled
files are closed after the answer is built.
"""

from __future__ import annotations

import re

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.web.asgi_errors import handler_for


class PlainRoute:
    methods: frozenset[str]
    path: re.Pattern[str]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle(self, request: Request, match: re.Match[str]) -> Response:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (self.path.match(get_route_path(scope))
                 if scope["type"] == "http" and scope["method"] in self.methods else None)
        if match is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            response = await self.handle(request, match)
        except Exception as exc:
            handler = handler_for(scope["app"], exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        finally:
            await request.close()
        await response(scope, receive, send)
