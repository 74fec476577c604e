"""An exception raised in a plain ASGI endpoint (one that runs before FastAPI's routing),
answered by the app's own exception handlers, as FastAPI's exception middleware answers a
route's: the handler of the exception's nearest class.

The catch-all handler for ``Exception`` is left out on purpose: FastAPI runs that one in
its error middleware, which also logs the exception and re-raises it to the server. The
caller re-raises what :func:`handler_for` has no handler for, so it goes the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request, Exception], Awaitable[Response]]


def handler_for(app: Any, exc: Exception) -> Handler | None:
    """``app``'s handler for ``exc``'s nearest class (never the catch-all), or None."""
    handlers: dict[Any, Any] = app.exception_handlers
    for kind in type(exc).__mro__:
        if kind is Exception:
            return None
        if kind in handlers:
            handler: Handler = handlers[kind]
            return handler
    return None
