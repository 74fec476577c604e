"""Swagger UI (``/docs``) and ReDoc (``/redoc``) load nothing from another origin: every URL
in the pages is the gateway's own, and each answers 200 with the right media type; the same
pages work for a service's own document behind the gateway."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.gateway.routing.harness import gateway_stack

MEDIA = {".js": "text/javascript", ".css": "text/css", ".png": "image/png",
         ".json": "application/json"}


def page_urls(html: str) -> list[str]:
    """Every URL the page loads: ``src``/``href`` attributes, the spec URL given to the UI."""
    found = re.findall(r'(?:src|href|spec-url)\s*=\s*"([^"]+)"', html)
    found += re.findall(r"url:\s*'([^']+)'", html)
    return found


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/api/v1/dukcapil/docs",
                                  "/api/v1/dukcapil/redoc"])
async def test_docs_pages_load_only_same_origin_assets(tmp_path: Path, page: str) -> None:
    async with gateway_stack(tmp_path) as stack:
        response = await stack.client.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert "cdn." not in html and "googleapis" not in html and "jsdelivr" not in html
        urls = page_urls(html)
        assert len(urls) >= (4 if page.endswith("docs") else 3), urls
        kinds = set()
        for url in urls:
            absolute = urljoin(f"http://gateway{page}", url)
            assert urlsplit(absolute).netloc == "gateway", url  # same origin
            loaded = await stack.client.get(absolute)
            assert loaded.status_code == 200, absolute
            suffix = Path(urlsplit(absolute).path).suffix
            assert loaded.headers["content-type"].startswith(MEDIA[suffix]), absolute
            kinds.add(suffix)
            if suffix == ".json":
                spec = loaded.json()
                prefix = page.removesuffix("/docs").removesuffix("/redoc")
                assert spec["openapi"].startswith("3.1")
                assert ("servers" in spec) == bool(prefix)
            elif suffix == ".js":
                assert len(loaded.content) > 100_000  # the real bundle, not a stub
        assert {".js", ".json"} <= kinds
        if page.endswith("/docs"):
            assert ".css" in kinds
            assert '"validatorUrl": null' in html  # no call to an outside validator


async def test_an_unknown_asset_is_a_problem_404(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        for name in ("nothing.js", "..%2Fcore.py"):
            response = await stack.client.get(f"/docs/assets/{name}")
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
