"""A returned pajak case completed with a corrected NOP (``on_resubmit``): the NOP is
standardised as at opening, or refused with the same field problem (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from shared.db.tables import CaseRow
from tests.services.pajak.conftest import TOKENS, WAJIB_PAJAK, Pajak
from tests.services.pajak.test_flows_api import _act
from tests.services.pajak.test_output_rows import FILES, SALINAN_FORM
from tests.support.apps import runtime_of


async def test_a_corrected_nop_is_standardised_or_refused(pajak: Pajak) -> None:
    """Cetak salinan returned at the file check; the corrected NOP typed without dots is
    stored in its standard form, one of another regency is refused (422) and not stored."""
    files = {k: (f"{k}.pdf", b"%PDF-1.4 uji", "application/pdf") for k in FILES}
    form = {**SALINAN_FORM, "tahun_pajak": 2025}
    opened = await pajak.client.post("/cases", headers=WAJIB_PAJAK, files=files, data={
        "data": json.dumps({"sop_key": "bpprd-pbb-cetak-salinan", "form": form})})
    case = opened.json()
    front = TOKENS.headers("p-front_office", "bpprd:front_office")
    case = await _act(pajak, case, "registrasi", front)
    back = await pajak.client.post(f"/cases/{case['id']}/actions", headers=front, json={
        "action": "ada_kekurangan", "comment": "NOP salah tulis"})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    url = f"/cases/{case['id']}/actions"
    other = await pajak.client.post(url, headers=WAJIB_PAJAK, json={
        "action": "lengkapi", "form": {"nop": "180204000500101230"}})
    assert other.status_code == 422 and other.json()["errors"][0]["problem"] == \
        "nop-other-regency"
    fixed = await pajak.client.post(url, headers=WAJIB_PAJAK, json={
        "action": "lengkapi", "form": {"nop": "18 01 040 005 001 0124 0"}})
    assert fixed.status_code == 200, fixed.text
    runtime = runtime_of(pajak.app)
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, case["id"])
        assert row is not None and row.form["nop"] == "18.01.040.005.001-0124.0"
