"""The known services' proxy in front of FastAPI's routing (gateway.routing.fastpath), in
the gateway with every part: what a route gave (metrics label, problem+json, request id,
path parameters, the fall-through to the other routes) stays as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from prometheus_client import REGISTRY

from gateway.app import load_parts
from tests.gateway.routing.harness import gateway_stack
from tests.gateway.routing.test_routing import echo_app

PATH_ROUTE = "/api/v1/{service:halo_service}/{path:path}"
BARE_ROUTE = "/api/v1/{service:halo_service}"


def served(method: str, route: str, status: str) -> float:
    return REGISTRY.get_sample_value("halo_http_requests_total", {
        "service": "gateway", "method": method, "route": route, "status": status}) or 0.0


async def test_proxied_requests_keep_their_route_label_and_request_id(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    transport = httpx.ASGITransport(app=echo_app(seen))
    before = (served("GET", PATH_ROUTE, "200"), served("DELETE", BARE_ROUTE, "200"))
    async with gateway_stack(tmp_path, (), transports={"umum": transport},
                             parts=load_parts) as stack:
        response = await stack.client.get("/api/v1/umum/sops/a%2Fb?x=1",
                                          headers={"X-Request-ID": "fast-1"})
        bare = await stack.client.delete("/api/v1/umum")
    assert response.status_code == 200 and bare.status_code == 200
    assert response.headers["x-request-id"] == "fast-1"
    assert seen[0]["path"] == "/sops/a/b" and seen[0]["query"] == "x=1"
    assert seen[0]["headers"]["x-request-id"] == "fast-1"
    assert seen[1]["method"] == "DELETE" and seen[1]["path"] == "/"
    assert served("GET", PATH_ROUTE, "200") == before[0] + 1
    assert served("DELETE", BARE_ROUTE, "200") == before[1] + 1


async def test_problems_from_the_proxy_are_the_apps_problem_json(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    transport = httpx.ASGITransport(app=echo_app(seen))
    before = served("GET", PATH_ROUTE, "401")
    async with gateway_stack(tmp_path, (), transports={"umum": transport},
                             parts=load_parts) as stack:
        refused = await stack.client.get("/api/v1/umum/cases",
                                         headers={"Authorization": "Bearer rusak"})
        internal = await stack.client.get("/api/v1/umum/%6Detrics",
                                          headers={"Accept-Language": "en"})
        unknown = await stack.client.get("/api/v1/tidak-ada/sops")
        down = await stack.client.get("/api/v1/pajak/sops")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert refused.json()["code"] == "unauthenticated"
    assert refused.headers["content-language"] == "id"
    assert served("GET", PATH_ROUTE, "401") == before + 1
    assert internal.status_code == 404 and internal.json()["code"] == "not-found"
    assert internal.headers["content-language"] == "en"
    assert unknown.status_code == 404 and unknown.json()["code"] == "service-not-found"
    assert down.status_code == 503 and down.json()["code"] == "service-unavailable"
    assert seen == []


async def test_other_routes_and_methods_still_reach_fastapi(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=echo_app([]))
    async with gateway_stack(tmp_path, (), transports={"umum": transport},
                             parts=load_parts) as stack:
        health = await stack.client.get("/healthz")
        agencies = await stack.client.get("/api/v1/agencies")
        trace = await stack.client.request("TRACE", "/api/v1/umum/sops")
        prefix = await stack.client.get("/api/v1/umumx/sops")
    assert health.status_code == 200
    assert agencies.status_code == 200 and isinstance(agencies.json(), list)
    assert trace.status_code == 405
    assert prefix.status_code == 404 and prefix.json()["code"] == "service-not-found"


async def test_the_gateways_database_away_is_a_503_problem_not_a_500(
        tmp_path: Path, monkeypatch: Any) -> None:
    """The proxy reads the gateway's own database (token sessions, the tracking projection):
    a connection refused there is answered by the app's database handler (503
    ``database-unavailable`` with Retry-After), as from a route; a bug stays a 500."""
    from gateway.routing import fastpath

    failures: list[Exception] = [ConnectionRefusedError(111, "Connection refused"),
                                 RuntimeError("a bug")]

    async def failing(service: str, request: Any) -> Any:
        raise failures.pop(0)

    monkeypatch.setattr(fastpath, "route_to_service", failing)
    transport = httpx.ASGITransport(app=echo_app([]))
    async with gateway_stack(tmp_path, (), transports={"umum": transport},
                             parts=load_parts) as stack:
        away = await stack.client.get("/api/v1/umum/cases", headers={"X-Request-ID": "db-1"})
        quiet = httpx.ASGITransport(app=stack.gateway, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=quiet, base_url="http://gateway") as client:
            bug = await client.get("/api/v1/umum/cases")
    assert away.status_code == 503
    assert away.headers["content-type"] == "application/problem+json"
    assert away.json()["code"] == "database-unavailable"
    assert away.headers["retry-after"] == "5"
    assert away.headers["x-request-id"] == "db-1"
    assert bug.status_code == 500 and bug.json()["code"] == "internal-error"
