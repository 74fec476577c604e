"""Swagger UI (``/docs``) and ReDoc (``/redoc``) with their assets served by the process
itself, so the pages work on an offline government network (no CDN).

The files come from an installed package (``fastapi-offline`` ships the Swagger UI and ReDoc
distribution files); none is kept in this repository. Every URL in the pages is *relative*
(``openapi.json``, ``docs/assets/...``), so the same pages work at the gateway's ``/docs``
and at a service's ``/api/v1/<service>/docs`` behind it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from shared.web.problems import ProblemError

ASSETS_PACKAGE = "fastapi_offline"
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
          "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}
"""The files the pages load, and their media types."""
SWAGGER_PARAMETERS = {"deepLinking": True, "persistAuthorization": True,
                      "displayRequestDuration": True, "validatorUrl": None}
"""``validatorUrl: None``: Swagger UI would otherwise call an outside validator."""

router = APIRouter(include_in_schema=False)


def asset_folder() -> Path:
    return Path(str(resources.files(ASSETS_PACKAGE).joinpath("static")))


def _title(request: Request) -> str:
    return str(request.app.title)


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="openapi.json", title=f"{_title(request)} - Swagger UI",
                               swagger_js_url="docs/assets/swagger-ui-bundle.js",
                               swagger_css_url="docs/assets/swagger-ui.css",
                               swagger_favicon_url="docs/assets/favicon.png",
                               swagger_ui_parameters=SWAGGER_PARAMETERS)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url="openapi.json", title=f"{_title(request)} - ReDoc",
                          redoc_js_url="docs/assets/redoc.standalone.js",
                          redoc_favicon_url="docs/assets/favicon.png", with_google_fonts=False)


@router.get("/docs/assets/{name}")
async def asset(name: str) -> FileResponse:
    media = ASSETS.get(name)
    if media is None:
        raise ProblemError(404, "not-found")
    return FileResponse(asset_folder() / name, media_type=media,
                        headers={"Cache-Control": "public, max-age=86400"})
