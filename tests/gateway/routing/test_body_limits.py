"""Bad JSON bodies on the case routes, sent to the service directly and through the gateway:
deep nesting is 422 ``json-too-deep`` (not a 500), an oversized body 413
``payload-too-large`` refused by the gateway before it is relayed; nothing is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from sqlalchemy import func, select

from shared.db.tables import CaseRow, HistoryRow, OutboxRow
from tests.gateway.routing.harness import KIA, KIA_FORM, PDF, Stack, gateway_stack

DEEP = b'{"sop_key": "' + KIA.encode() + b'", "form": ' + b"[" * 1000 + b"]" * 1000 + b"}"


async def _counts(stack: Stack) -> tuple[int, int, int]:
    async with stack.service("dukcapil").sessions() as s:
        return (await s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                await s.scalar(select(func.count()).select_from(HistoryRow)) or 0,
                await s.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def test_deep_json_is_422_directly_and_through_the_gateway(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        citizen = stack.headers("warga-a", "citizen")
        case = await stack.open_kia(citizen)
        before = await _counts(stack)
        service = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=stack.services["dukcapil"]), base_url="http://dukcapil")
        json_headers = {**citizen, "content-type": "application/json"}
        async with service:
            answers = [
                await service.post("/cases", content=DEEP, headers=json_headers),
                await service.post(f"/cases/{case['id']}/actions", content=DEEP,
                                   headers=json_headers),
                await service.post("/cases", headers=citizen,
                                   data={"data": DEEP.decode()},
                                   files={"berkas_persyaratan": ("b.pdf", PDF,
                                                                 "application/pdf")}),
                await stack.client.post("/api/v1/dukcapil/cases", content=DEEP,
                                        headers=json_headers),
                await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                        content=DEEP, headers=json_headers),
            ]
        for answer in answers:
            assert answer.status_code == 422, answer.text
            assert answer.json()["code"] == "json-too-deep"
            assert answer.headers["content-type"] == "application/problem+json"
        assert await _counts(stack) == before


async def test_an_oversized_json_body_is_refused_before_it_is_relayed(tmp_path: Path) -> None:
    relayed: list[bytes] = []
    pulled = 0

    class Watching(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            relayed.append(request.url.raw_path)
            return await self.inner.handle_async_request(request)

    async def huge() -> AsyncIterator[bytes]:
        nonlocal pulled
        yield b'{"sop_key": "' + KIA.encode() + b'", "form": {"nama_anak": "'
        for _ in range(100_000):  # 6.5 GB if it were read to its end
            pulled += 1
            yield b"a" * 65536

    async with gateway_stack(tmp_path, wrap=Watching) as stack:
        citizen = stack.headers("warga-a", "citizen")
        before = await _counts(stack)
        response = await stack.client.post(
            "/api/v1/dukcapil/cases", content=huge(),
            headers={**citizen, "content-type": "application/json"})
        assert response.status_code == 413, response.text
        assert response.json()["code"] == "payload-too-large"
        assert str(1 << 20) in response.json()["detail"]
        assert relayed == [] and pulled <= 17
        declared = await stack.client.post(
            "/api/v1/dukcapil/cases", content=json.dumps({"sop_key": KIA, "form": KIA_FORM}),
            headers={**citizen, "content-type": "application/json",
                     "content-length": str(2 << 20)})
        assert declared.status_code == 413 and relayed == []
        assert await _counts(stack) == before


async def test_a_body_that_is_not_json_is_one_invalid_json_problem_everywhere(
        tmp_path: Path) -> None:
    """Not JSON, on a JSON route of a service (directly and through the gateway) and in the
    multipart ``data`` part: 422 ``validation-error`` with
    the one field problem ``invalid-json`` of its field, in Indonesian; nothing stored."""
    broken = b'{"action": "teruskan", '
    async with gateway_stack(tmp_path) as stack:
        citizen = stack.headers("warga-a", "citizen")
        case = await stack.open_kia(citizen)
        before = await _counts(stack)
        officer = stack.headers("op-1", "disdukcapil:operator")
        service = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=stack.services["dukcapil"]), base_url="http://dukcapil")
        async with service:
            direct = await service.post(f"/cases/{case['id']}/actions", content=broken,
                                        headers={**officer, "content-type": "application/json"})
        relayed = await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                          content=broken,
                                          headers={**officer, "content-type": "application/json"})
        multipart = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=citizen, data={"data": '{"sop_key": '},
            files={"berkas_persyaratan": ("b.pdf", PDF, "application/pdf")})
        for answer, field in ((direct, "body"), (relayed, "body"), (multipart, "data")):
            assert answer.status_code == 422, answer.text
            problem = answer.json()
            assert problem["code"] == "validation-error"
            (error,) = problem["errors"]
            assert (error["field"], error["problem"]) == (field, "invalid-json"), problem
            assert error["message"] == "Isi bukan JSON yang valid."
        assert direct.json()["errors"][0]["position"] == len(broken)
        assert await _counts(stack) == before
