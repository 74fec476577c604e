"""The merged catalog: every service's SOPs in one searchable list; a service that is down
is reported, not a failure."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from gateway.catalog import merge
from tests.gateway.routing.harness import KIA, gateway_stack


class Counting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return await self.inner.handle_async_request(request)


def hanging_app() -> FastAPI:
    app = FastAPI()

    @app.get("/sops")
    async def sops() -> list[object]:
        await asyncio.sleep(30)
        return []

    return app


async def test_catalog_merges_services_and_reports_the_down_ones(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("dukcapil", "perizinan")) as stack:
        response = await stack.client.get("/api/v1/catalog")
        assert response.status_code == 200
        body = response.json()
        services = {e["service"] for e in body["items"]}
        assert services == {"dukcapil", "perizinan"}
        assert body["total"] == len(body["items"])
        own = [len((await stack.client.get(f"/api/v1/{s}/sops")).json()) for s in services]
        assert body["total"] == sum(own)
        assert {u["service"] for u in body["unavailable"]} == {
            "pengaduan", "damkar", "pajak", "kepegawaian", "umum"}
        assert {u["reason"] for u in body["unavailable"]} == {"unreachable"}

        kia = next(e for e in body["items"] if e["key"] == KIA)
        assert kia["agency"] == "disdukcapil"
        assert kia["agency_name"] == "Dinas Kependudukan dan Pencatatan Sipil"
        assert kia["category"] == "civil-registry"
        assert kia["requirements"] and kia["total_time"] and kia["steps"] == 6
        assert kia["standard_url"] == f"/api/v1/dukcapil/sops/{KIA}/standard"
        standard = await stack.client.get(kia["standard_url"])
        assert standard.status_code == 200
        assert standard.headers["content-type"].startswith("application/json")


async def test_catalog_search(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("dukcapil", "perizinan")) as stack:
        async def keys(q: str) -> set[str]:
            response = await stack.client.get("/api/v1/catalog", params={"q": q})
            return {e["key"] for e in response.json()["items"]}

        assert KIA in await keys("kartu IDENTITAS anak")
        assert await keys("identitas anak 0-5") == {KIA}
        by_agency = await keys("dpmptsp")
        assert by_agency and all(k.startswith("dpmptsp-") for k in by_agency)
        assert await keys("Kependudukan dan Pencatatan") >= {KIA}
        assert KIA in await keys("civil-registry")
        # Categories in Bahasa Indonesia, and the service's name, find their SOPs too.
        permits = await keys("perizinan")
        assert len(permits) == 37  # the perizinan service's SOPs, of nine agencies
        assert len([k for k in permits if k.startswith("dpmptsp-")]) == 27
        assert await keys("administrasi kependudukan") == await keys("civil-registry")
        assert len(await keys("civil-registry")) == 11
        assert await keys("tidak ada layanan seperti ini") == set()
        # Titles keep the regulation's misprints; the corrected spelling finds them too.
        assert await keys("eletromedis") == await keys("elektromedis") == {
            "dpmptsp-izin-praktik-elektromedis"}
        response = await stack.client.get("/api/v1/catalog", params={"q": "elektromedis"})
        entry = response.json()["items"][0]
        assert entry["title"] == "PELAYANAN IZIN PRAKTIK ELETROMEDIS"
        assert entry["display_title"] == "PELAYANAN IZIN PRAKTIK ELEKTROMEDIS"
        assert entry["category_label"] == "Perizinan dan Nonperizinan"


async def test_catalog_is_cached_briefly(tmp_path: Path) -> None:
    wrapped: list[Counting] = []

    def counting(transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        wrapped.append(Counting(transport))
        return wrapped[-1]

    async with gateway_stack(tmp_path, ("dukcapil",), wrap=counting) as stack:
        [counting_dukcapil] = wrapped
        for q in (None, "kia", "akta"):
            assert (await stack.client.get("/api/v1/catalog",
                                           params={"q": q} if q else None)).status_code == 200
        assert counting_dukcapil.calls == 1
        cache = stack.runtime.state["catalog"]
        assert cache.merged is not None
        cache.merged.fetched_at -= merge.CACHE_TTL_S + 1
        await stack.client.get("/api/v1/catalog")
        assert counting_dukcapil.calls == 2


async def test_a_hanging_service_does_not_hang_the_catalog(tmp_path: Path) -> None:
    hanging = httpx.ASGITransport(app=hanging_app())
    async with gateway_stack(tmp_path, ("dukcapil",), transports={"umum": hanging},
                             read_timeout_s=0.3, connect_timeout_s=0.2) as stack:
        started = time.monotonic()
        body = (await stack.client.get("/api/v1/catalog")).json()
        assert time.monotonic() - started < 2.0
    assert {"service": "umum", "reason": "timeout"} in body["unavailable"]
    assert any(e["key"] == KIA for e in body["items"])
