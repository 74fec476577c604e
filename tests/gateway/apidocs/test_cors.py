"""CORS: the allowed origins come from settings (``HALO_CORS_ORIGINS``); none by default;
all-in-one allows the web dev server and itself. A preflight from an allowed origin passes
with the headers a browser needs; one from any other origin is refused."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.allinone_app import build_app
from gateway.settings import DEV_ORIGINS, GatewaySettings
from tests.gateway.routing.harness import gateway_stack

ALLOWED = "https://halo.lampungselatankab.go.id"


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type"}


@pytest.mark.parametrize("path", ["/api/v1/inbox", "/api/v1/dukcapil/cases",
                                  "/api/v1/auth/login"])
async def test_a_preflight_from_an_allowed_origin_passes(tmp_path: Path, path: str) -> None:
    async with gateway_stack(tmp_path, cors_origins=(ALLOWED,)) as stack:
        response = await stack.client.options(path, headers=preflight(ALLOWED))
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ALLOWED
        allowed_headers = response.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed_headers and "content-type" in allowed_headers
        assert "POST" in response.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in response.headers


async def test_a_preflight_from_another_origin_is_refused(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, cors_origins=(ALLOWED,)) as stack:
        for origin in ("https://evil.example", "http://127.0.0.1:5173", ALLOWED + ".evil.example"):
            response = await stack.client.options("/api/v1/dukcapil/cases",
                                                  headers=preflight(origin))
            assert response.status_code == 400
            assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origin_reads_the_answer_and_the_request_id(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, cors_origins=(ALLOWED,)) as stack:
        response = await stack.client.get("/api/v1/dukcapil/sops", headers={"Origin": ALLOWED})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ALLOWED
        exposed = response.headers["access-control-expose-headers"].lower()
        assert "x-request-id" in exposed and response.headers["x-request-id"]
        # A browser client reads these to wait for its own write (read-your-writes).
        assert {"x-case-id", "x-case-seq", "x-tracking-pending"} <= {
            h.strip() for h in exposed.split(",")}
        other = await stack.client.get("/api/v1/dukcapil/sops",
                                       headers={"Origin": "https://evil.example"})
        assert other.status_code == 200  # not a browser: CORS only withholds the header
        assert "access-control-allow-origin" not in other.headers


def test_origins_come_from_halo_cors_origins_and_default_to_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_CORS_ORIGINS", raising=False)
    assert GatewaySettings.from_env().cors_origins == ()
    monkeypatch.setenv("HALO_CORS_ORIGINS", f" {ALLOWED}/ , http://localhost:5173,")
    assert GatewaySettings.from_env().cors_origins == (ALLOWED, "http://localhost:5173")


@pytest.mark.parametrize("given", [None, ALLOWED])
async def test_allinone_allows_the_dev_server_and_itself_unless_told(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str | None) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    if given:
        monkeypatch.setenv("HALO_CORS_ORIGINS", given)
    else:
        monkeypatch.delenv("HALO_CORS_ORIGINS", raising=False)
    app = build_app(demo=False, base_url="http://127.0.0.1:8000")
    # A preflight is answered by the middleware alone: nothing needs to be started.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://halo") as client:
        for origin in (*DEV_ORIGINS, "http://127.0.0.1:8000"):
            response = await client.options("/api/v1/inbox", headers=preflight(origin, "GET"))
            expected = origin if not given else None
            assert response.headers.get("access-control-allow-origin") == expected, origin
        if given:
            response = await client.options("/api/v1/inbox", headers=preflight(given, "GET"))
            assert response.headers["access-control-allow-origin"] == given
