"""The pajak department's own parts: the NOP check on PBB-P2 requests (a hook before the
case opens) and the NOP check route, on the real pajak app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from services.pajak.app import create_app
from services.pajak.nop import NopError, parse_nop
from shared.db.tables import CaseRow
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
WAJIB_PAJAK = TOKENS.headers("wp-1", "citizen")
NOP = "18.01.040.005.001-0123.0"


@pytest.mark.parametrize("typed", ["180104000500101230", "18.01.040.005.001-0123.0",
                                   " 18 01 040 005 001 0123 0 "])
def test_a_nop_is_read_as_typed(typed: str) -> None:
    parsed = parse_nop(typed)
    assert parsed.formatted == NOP
    assert parsed.parts() == {"provinsi": "18", "kabupaten": "01", "kecamatan": "040",
                              "desa": "005", "blok": "001", "nomor_urut": "0123",
                              "kode_jenis": "0"}


@pytest.mark.parametrize(("typed", "problem"), [
    ("18010400050010123", "not-nop"),          # 17 digits
    ("18010400050010123A", "not-nop"),
    ("180100000500101230", "not-nop"),         # no kecamatan
    ("187104000500101230", "nop-other-regency"),  # Kota Bandar Lampung
    ("310104000500101230", "nop-other-regency"),
])
def test_a_wrong_nop_is_refused_with_the_reason(typed: str, problem: str) -> None:
    with pytest.raises(NopError) as raised:
        parse_nop(typed)
    assert raised.value.problem == problem


@pytest.fixture
async def pajak(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    app = create_app(service_settings("pajak", f"sqlite+aiosqlite:///{tmp_path}/p.db", tmp_path),
                     wiring(TOKENS))
    async with running(app) as client:
        yield client, app


async def _open(client: httpx.AsyncClient, nop: str) -> httpx.Response:
    return await client.post("/cases", headers=WAJIB_PAJAK, json={
        "sop_key": "bpprd-pbb-pembayaran", "form": {"nop": nop, "tahun_pajak": 2026}})


async def test_the_case_stores_the_standard_nop(
        pajak: tuple[httpx.AsyncClient, object]) -> None:
    client, _ = pajak
    opened = await _open(client, "180104000500101230")
    assert opened.status_code == 201, opened.text
    assert opened.json()["form"]["nop"] == NOP


async def test_a_case_with_a_foreign_nop_is_not_opened(
        pajak: tuple[httpx.AsyncClient, object]) -> None:
    client, app = pajak
    refused = await _open(client, "187104000500101230")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    (error,) = refused.json()["errors"]
    assert (error["field"], error["problem"]) == ("nop", "nop-other-regency")
    assert "18.01" in error["message"]
    async with runtime_of(app).sessions() as s:  # type: ignore[arg-type]
        assert await s.scalar(select(func.count()).select_from(CaseRow)) == 0


async def test_the_nop_check_route(pajak: tuple[httpx.AsyncClient, object]) -> None:
    client, _ = pajak
    ok = await client.get("/nop/periksa", params={"nop": "1801-0400-0500-1012-30"})
    assert ok.status_code == 200
    assert ok.json()["nop"] == NOP and ok.json()["parts"]["kecamatan"] == "040"
    bad = await client.get("/nop/periksa", params={"nop": "187104000500101230"})
    assert bad.status_code == 422 and bad.json()["code"] == "nop-other-regency"
    assert "18.01" in bad.json()["detail"] and bad.headers["content-language"] == "id"
