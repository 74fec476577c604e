"""Department rows on output documents (``hooks.output_rows``): the provider registered for
an SOP and kind is called when the output is issued, its rows are stored with the output,
drawn in the PDF from what was stored (a later change of the department's data does not
change the document), and the public verification answer shows only the public rows."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import col

from services.dukcapil.app import SPEC
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.outputs.ca import LocalCa
from shared.outputs.render import render_pdf
from shared.outputs.rows import OutputRow, OutputTable, dump, load, public
from shared.outputs.signing import LocalSigner
from shared.outputs.tables import CaseOutputRow
from shared.web.app import ServiceSpec, create_service_app
from tests.shared.outputs.support import Clock
from tests.shared.outputs.test_pdf_and_signature import document
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")
KADIS = TOKENS.headers("kadis-1", "disdukcapil:kepala_dinas")


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_rows_and_a_table_block_are_drawn_after_the_template_rows() -> None:
    rows = (OutputRow("Nomor blangko", "KIA-000123", public=True),
            OutputRow("Kosong", "  "),
            OutputRow("Rincian", table=OutputTable(("Uraian", "Jumlah"),
                                                   (("Pokok", "Rp112.000"),
                                                    ("Denda", "Rp4.480")))))
    text = text_of(render_pdf(document(rows=rows)))
    assert "Nomor blangko" in text and "KIA-000123" in text
    assert "Kosong" not in text  # a row without a value is left out, as a template's
    for cell in ("Rincian", "Uraian", "Jumlah", "Pokok", "Rp112.000", "Denda", "Rp4.480"):
        assert cell in text
    assert text.index("Nomor permohonan") < text.index("Nomor blangko")


def test_stored_rows_read_back_and_only_public_ones_are_public() -> None:
    rows = [OutputRow("NOP", "18.01", public=True),
            OutputRow("Nama", "S*** A***"),
            OutputRow("Rincian", public=True, table=OutputTable(("a", "b"), (("1", "2"),)))]
    stored = [dump(r) for r in rows]
    assert load(json.loads(json.dumps(stored))) == tuple(rows)
    assert public(stored) == [{"label": "NOP", "value": "18.01"},
                              {"label": "Rincian", "value": "",
                               "table": {"headers": ["a", "b"], "rows": [["1", "2"]]}}]
    assert dump(OutputRow("x" * 400, "y" * 400))["value"] == "y" * 300  # bounded


@pytest.fixture
def var_dir(tmp_path: Path) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
        patch.delenv("HALO_SIGNER", raising=False)
        yield tmp_path


class Blanko:
    """The department's data the provider reads (changed after the issue in a test)."""

    def __init__(self) -> None:
        self.number, self.calls = "KIA-000123", 0


@pytest.fixture
async def svc(var_dir: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Blanko]]:
    hooks, blanko = Hooks(), Blanko()

    @hooks.output_rows.provide(KIA, "tanda_terima_dokumen")
    async def kia_rows(_session: Any, runtime: Any, row: CaseRow) -> list[OutputRow]:
        blanko.calls += 1
        assert runtime.settings.service == "dukcapil" and row.sop_key == KIA
        return [OutputRow("Nomor blangko KIA", blanko.number, public=True),
                OutputRow("Nama anak", "S*** A***"),
                OutputRow("Masa berlaku", table=OutputTable(
                    ("Dari", "Sampai"), (("3 Desember 2026", "5 Mei 2029"),)), public=True)]

    @hooks.output_rows.provide(KIA, "surat_izin")
    async def never(*_: Any) -> list[OutputRow]:
        raise AssertionError("a provider of another kind is not called")

    url = f"sqlite+aiosqlite:///{var_dir / 'd.db'}"
    spec = ServiceSpec(name="dukcapil", title=SPEC.title, sops_dir=SPEC.sops_dir, hooks=hooks)
    app = create_service_app(spec, service_settings("dukcapil", url, var_dir),
                             wiring(TOKENS, clock=Clock()))
    async with running(app) as client:
        outputs = runtime_of(app).outputs
        assert outputs is not None
        outputs.worker.signer = LocalSigner(LocalCa())
        yield app, client, blanko


async def test_the_rows_are_issued_stored_drawn_and_public_ones_verified(
        svc: tuple[FastAPI, httpx.AsyncClient, Blanko]) -> None:
    app, client, blanko = svc
    case = (await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                              data={"data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
    for who, action in ((OPERATOR, "teruskan"), (OPERATOR, "lengkap"),
                        (KABID, "sampaikan_ke_kadis"), (KADIS, "tte")):
        moved = await client.post(f"/cases/{case['id']}/actions", headers=who,
                                  json={"action": action})
        assert moved.status_code == 200, moved.text
    assert blanko.calls == 1  # at the issue, in the TTE step's transaction
    runtime = runtime_of(app)
    async with runtime.sessions() as session:
        [stored] = (await session.scalars(select(CaseOutputRow).where(
            col(CaseOutputRow.case_id) == case["id"]))).all()
    assert stored.detail_rows is not None
    assert [(r["label"], r["public"]) for r in stored.detail_rows] == [
        ("Nomor blangko KIA", True), ("Nama anak", False), ("Masa berlaku", True)]
    blanko.number = "KIA-999999"  # the department's data changes before the rendering
    assert runtime.outputs is not None and await runtime.outputs.worker.run_once() == 1
    assert blanko.calls == 1
    [output] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    pdf = (await client.get(f"/cases/{case['id']}/outputs/{output['id']}/pdf",
                            headers=CITIZEN)).content
    text = text_of(pdf)
    assert "Nomor blangko KIA" in text and "KIA-000123" in text and "KIA-999999" not in text
    assert "S*** A***" in text and "5 Mei 2029" in text
    checked = (await client.get(f"/outputs/verify/{output['verify_code']}")).json()
    assert checked["rows"] == [
        {"label": "Nomor blangko KIA", "value": "KIA-000123"},
        {"label": "Masa berlaku", "value": "",
         "table": {"headers": ["Dari", "Sampai"], "rows": [["3 Desember 2026", "5 Mei 2029"]]}}]
    assert "Nama anak" not in json.dumps(checked)
