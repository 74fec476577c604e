"""``POST /cases/{case_id}/actions`` as a plain ASGI endpoint, in front of FastAPI's routing.

The act is the hottest write of every service. Through FastAPI it also pays for the route
scan, the exception and exit-stack middlewares, the dependency solving of its five
dependencies and the response handling (issue 12: FastAPI and Starlette were a fifth of
the act's profiled CPU). :class:`ActEndpoint` sits inside the service's middleware (request
id, access log and metrics, body limits: all as before) and does what the route does, with
the same functions, in the same order:

* the caller's bearer token (:func:`shared.web.deps.get_principal`: 401 problems alike);
* one session whose transaction commits after the answer is built and before it is sent,
  then the outbox relay and the output worker are woken (:func:`shared.web.deps.get_session`);
* the case locked, or 404 ``case-not-found`` when the caller may not see it;
* the action and the answer (:func:`shared.web.routes_cases.act_and_answer`), serialised
  by the route's own response field (``CaseOut``, by alias), with ``X-Case-Id`` and
  ``X-Case-Seq``.

The route stays in the app for the OpenAPI document, and answers whenever this endpoint is
not installed. ``scope["route"]`` is that route, so metrics and access log keep the label
``/cases/{case_id}/actions``. An exception is answered by the app's handler for its class
(:mod:`shared.web.plain_route`); one only the catch-all takes goes on to the app's error
middleware (a 500 problem, logged), as from the route. ``tests/shared/web/test_act_endpoint.py``
checks that both ways give the same answers, byte for byte.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi._compat import ModelField
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from shared.web.deps import get_principal, visible_case
from shared.web.plain_route import PlainRoute
from shared.web.routes_cases import act_and_answer, act_on_case
from shared.web.routes_cases import router as cases_router
from shared.web.runtime import ServiceRuntime

ROUTE = next(r for r in cases_router.routes
             if isinstance(r, APIRoute) and r.endpoint is act_on_case)

def _response_field(route: APIRoute) -> ModelField:
    field = route.response_field
    if field is None:
        raise RuntimeError("the act route has no response model")
    return field


_FIELD = _response_field(ROUTE)


class ActEndpoint(PlainRoute):
    """Pure-ASGI middleware: the act for ``POST /cases/{case_id}/actions``, else ``app``."""

    methods = frozenset({"POST"})
    path = re.compile(r"^/cases/([^/]+)/actions$")

    async def handle(self, request: Request, match: re.Match[str]) -> Response:
        request.scope["path_params"] = {"case_id": match.group(1)}
        request.scope["route"] = ROUTE
        return await _act(request, match.group(1))


async def _act(request: Request, case_id: str) -> Response:
    runtime: ServiceRuntime = request.app.state.runtime
    who = await get_principal(request, runtime)
    async with runtime.sessions() as session:
        row = await visible_case(case_id, session, runtime, who, lock=True)
        out, row = await act_and_answer(request, session, runtime, row, who)
        body = _serialised(out)
        await session.commit()
    runtime.relay.notify()
    if runtime.outputs is not None:
        runtime.outputs.worker.notify()
    response = Response(body, media_type="application/json")
    response.headers.raw.extend([(b"x-case-id", row.id.encode("latin-1")),
                                 (b"x-case-seq", str(row.seq).encode())])
    return response


def _serialised(out: Any) -> bytes:
    """The answer as FastAPI writes a ``response_model`` route's: validated by the route's
    response field, then dumped to JSON by alias."""
    value, errors = _FIELD.validate(out, {}, loc=("response",))
    if errors:  # a bug of the answer's building, as FastAPI treats it
        raise ValueError(f"act answer invalid: {errors}")
    data: bytes = _FIELD.serialize_json(value, by_alias=True)
    return data
