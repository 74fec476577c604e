"""FastAPI dependencies of the survey routes.

``SessionDep`` commits once, after the route returned and before the response is sent; a
refusal rolls back. ``CurrentPrincipal`` is the shared one (the gateway runtime has a
``verifier`` too).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.identity import deps as identity_deps
from shared.web.i18n import language

RuntimeDep = identity_deps.RuntimeDep
SessionDep = identity_deps.SessionDep
"""The gateway's runtime and its once-committing session, as every gateway part uses them."""


def get_language(request: Request) -> str:
    return language(request.headers.get("accept-language"))


LanguageDep = Annotated[str, Depends(get_language)]
