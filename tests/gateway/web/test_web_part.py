"""The web part serves the built app at ``/`` with a fallback for client routes, never in
place of an API, documentation or operations path, and explains itself when no build exists.
Through the whole gateway (every part, in the order the gateway loads them) over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.app import load_parts
from tests.gateway.routing.harness import Stack, gateway_stack

INDEX = "<!doctype html><title>Halo Lamsel</title><div id=app></div>"


@pytest.fixture
async def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1a2b.js").write_text("console.log('halo')")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (dist / "manifest.webmanifest").write_text('{"name": "Halo Lamsel"}')
    (tmp_path / "secret.txt").write_text("outside the build")
    monkeypatch.setenv("HALO_WEB_DIST", str(dist))
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    async with gateway_stack(tmp_path, ("dukcapil",), parts=load_parts) as running:
        yield running


async def test_the_app_and_its_client_routes_answer_index(stack: Stack) -> None:
    for path in ("/", "/lacak/DK-7MQ3-XA9T", "/layanan/dukcapil/dukcapil-kia-0-5-tahun"):
        page = await stack.client.get(path)
        assert page.status_code == 200, path
        assert page.text == INDEX
        assert page.headers["cache-control"] == "no-cache"
        assert page.headers["content-type"].startswith("text/html")


async def test_assets_are_cached_and_the_worker_is_revalidated(stack: Stack) -> None:
    asset = await stack.client.get("/assets/app-1a2b.js")
    assert asset.status_code == 200 and "halo" in asset.text
    assert "immutable" in asset.headers["cache-control"]
    worker = await stack.client.get("/sw.js")
    assert worker.headers["cache-control"] == "no-cache"
    assert worker.headers["service-worker-allowed"] == "/"
    manifest = await stack.client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")


async def test_a_missing_file_and_paths_outside_the_build_are_404(stack: Stack) -> None:
    for path in ("/assets/missing-9z.js", "/..%2Fsecret.txt", "/assets/..%2F..%2Fsecret.txt"):
        answer = await stack.client.get(path)
        assert answer.status_code == 404, path
        assert "outside the build" not in answer.text


async def test_api_docs_and_operations_are_never_shadowed(stack: Stack) -> None:
    catalog = await stack.client.get("/api/v1/catalog")
    assert catalog.status_code == 200 and catalog.json()["total"] > 0
    sop = await stack.client.get("/api/v1/dukcapil/sops/dukcapil-kia-0-5-tahun")
    assert sop.status_code == 200 and sop.json()["key"] == "dukcapil-kia-0-5-tahun"
    spec = await stack.client.get("/openapi.json")
    assert spec.status_code == 200 and "paths" in spec.json()
    docs = await stack.client.get("/docs")
    assert docs.status_code == 200 and INDEX not in docs.text
    assert (await stack.client.get("/healthz")).status_code == 200
    assert (await stack.client.get("/.well-known/jwks.json")).status_code == 200
    for path in ("/api/v1/no-such-route", "/api/other", "/verify", "/docs/nothing",
                 "/.well-known/nothing", "/metrics", "/metrics/extra"):
        answer = await stack.client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("application/problem+json"), path


async def test_without_a_build_the_gateway_says_how_to_make_one(
        stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_WEB_DIST", str(tmp_path / "not-built"))
    page = await stack.client.get("/")
    assert page.status_code == 503
    assert "npm run build" in page.text and "make run" in page.text
    assert (await stack.client.get("/api/v1/catalog")).status_code == 200
