"""On PostgreSQL an action locks its case until it commits, so two actions on one case run
one after the other; reading a case takes no lock and never waits behind an action."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from services.dukcapil.app import create_app
from shared.db.session import make_engine
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

pytestmark = pytest.mark.integration
FORM = {"nik_anak": "1801011705230001", "nama_anak": "Anak Uji", "tanggal_lahir_anak":
        "2023-05-17", "nomor_kk": "1801010101010002", "pengambilan": "unduh_halo_lamsel"}


async def test_reads_do_not_wait_for_a_locked_case_but_actions_do(fresh_pg_url: str,
                                                                   tmp_path: Path) -> None:
    tokens = TestTokens()
    app = create_app(service_settings("dukcapil", fresh_pg_url, tmp_path), wiring(tokens))
    citizen = tokens.headers("warga-1")
    operator = tokens.headers("op-1", "disdukcapil:operator")
    async with running(app) as client:
        opened = await client.post(
            "/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun", "form": FORM})},
            files={"berkas_persyaratan": ("b.pdf", b"%PDF-1.4 x", "application/pdf")})
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        other = make_engine(fresh_pg_url)
        try:
            async with other.connect() as conn:
                tx = await conn.begin()
                await conn.execute(text("SELECT id FROM cases WHERE id = :id FOR UPDATE"),
                                   {"id": case_id})
                # Another transaction holds the case: reads still answer at once ...
                for path in (f"/cases/{case_id}", f"/cases/{case_id}/history"):
                    got = await asyncio.wait_for(client.get(path, headers=citizen), 10)
                    assert got.status_code == 200, got.text
                # ... while an action waits for the lock, and goes through once it is free.
                act = asyncio.ensure_future(client.post(
                    f"/cases/{case_id}/actions", headers=operator, json={"action": "teruskan"}))
                await asyncio.sleep(1.0)
                assert not act.done()
                await tx.rollback()
                done = await asyncio.wait_for(act, 10)
                assert done.status_code == 200, done.text
                assert done.json()["current_step"]["id"] == "verifikasi_berkas"
        finally:
            await other.dispose()
