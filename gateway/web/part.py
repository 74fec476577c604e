"""The web part: the built single-page app (``web/dist``) at ``/``, with a fallback for its
client routes.

It is the last part, so every API, documentation and operations route matches first. A path
under a reserved prefix (``/api``, ``/docs``, ``/openapi.json``, ``/verify``, ...) that no
route matched is a 404 problem+json, never the app's page. Any other path is a file of the
build when one exists, else ``index.html`` (a client route such as ``/lacak/DK-XXXX-XXXX``),
except a missing file with an extension, which is a 404. Hashed assets are cached for a year;
``index.html``, the service worker and the manifest are revalidated on every load, so a new
build shows at once. Without a build the gateway still starts and ``/`` explains how to make
one (503).

The folder is ``HALO_WEB_DIST`` (default ``<repository>/web/dist``), read per request so a
build made while the gateway runs is served without a restart.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from gateway.runtime import GatewayPart
from gateway.web.page import missing_build_page
from shared.settings import env
from shared.web.problems import ProblemError

RESERVED = ("api", "docs", "redoc", "openapi.json", "verify", "healthz", "readyz", "metrics",
            ".well-known")
"""First path segments that belong to the API and operations, never to the app."""
DEFAULT_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
_REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}
_SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

router = APIRouter(tags=["web"])


def dist_folder() -> Path:
    configured = env("HALO_WEB_DIST")
    return Path(configured) if configured else DEFAULT_DIST


def _file_in(dist: Path, path: str) -> Path | None:
    """The build's file at ``path``, or None; never a file outside the build folder."""
    if not path or "\x00" in path:
        return None
    candidate = (dist / path).resolve()
    try:
        candidate.relative_to(dist.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def _cache_control(relative: str) -> str:
    if relative.startswith("assets/"):
        return "public, max-age=31536000, immutable"
    if relative in _REVALIDATE or relative.endswith(".html"):
        return "no-cache"
    return "public, max-age=3600"


def _file(dist: Path, file: Path) -> FileResponse:
    relative = file.relative_to(dist.resolve()).as_posix()
    headers = {**_SECURITY, "Cache-Control": _cache_control(relative)}
    if relative == "sw.js":
        headers["Service-Worker-Allowed"] = "/"
    media = "application/manifest+json" if relative.endswith(".webmanifest") else None
    return FileResponse(file, headers=headers, media_type=media)


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def web_app(request: Request, path: str = "") -> Response:
    """A file of the built app, or its ``index.html`` for a client route."""
    if path.split("/", 1)[0] in RESERVED:
        raise ProblemError(404, "not-found")
    dist = dist_folder()
    index = dist / "index.html"
    if not index.is_file():
        return HTMLResponse(missing_build_page(), status_code=503,
                            headers={**_SECURITY, "Cache-Control": "no-store"})
    found = _file_in(dist, path)
    if found is not None:
        return _file(dist, found)
    if "." in path.rsplit("/", 1)[-1]:
        raise ProblemError(404, "not-found")
    return _file(dist, index.resolve())


PART = GatewayPart(name="web", router=router)
