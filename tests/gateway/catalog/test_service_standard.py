"""The service standard page through the gateway, as JSON and as HTML: cost (free, or the
tax the SOP names), product and complaint channel from the definition; agencies and roles by
their names, another agency's step marked as such."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.routing.harness import gateway_stack
from tests.support.sops import spot_sop

HTML = {"Accept": "text/html"}


async def test_cost_product_and_complaint_channel_in_json_and_html(tmp_path: Path) -> None:
    sop = spot_sop("pajak", "bpprd-pbb-cetak-salinan")
    async with gateway_stack(tmp_path, ("pajak",)) as stack:
        url = f"/api/v1/pajak/sops/{sop.key}/standard"
        std = (await stack.client.get(url)).json()
        html = (await stack.client.get(url, headers=HTML)).text
    assert std["cost"] == sop.standard.cost and "PBB-P2" in std["cost"]
    assert std["product"] == sop.standard.product
    assert std["complaint_channel"] == sop.standard.complaint_channel
    assert std["agency_name"] == "Badan Pengelola Pajak dan Retribusi Daerah"
    for text in ("Badan Pengelola Pajak dan Retribusi Daerah", "SPPT PBB-P2",
                 "SP4N-LAPOR!", "Biaya/tarif", "Bank Lampung"):
        assert text in html, text


async def test_a_free_service_says_so(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("damkar",)) as stack:
        std = (await stack.client.get(
            "/api/v1/damkar/sops/damkar-pelayanan-kebakaran/standard")).json()
    assert std["cost"] == "Tidak dipungut biaya (gratis)"


async def test_roles_and_other_agencies_are_named_for_people(tmp_path: Path) -> None:
    sop = spot_sop("damkar", "damkar-bantuan-kebakaran")
    async with gateway_stack(tmp_path, ("damkar",)) as stack:
        url = f"/api/v1/damkar/sops/{sop.key}/standard"
        std = (await stack.client.get(url)).json()
        html = (await stack.client.get(url, headers=HTML)).text
    steps = {s["id"]: s for s in std["procedure"]}
    assert steps["ttd_kadis"]["actor_label"] == "Kepala Dinas / Badan / Instansi"
    assert steps["tinjau_bpkad"]["agency_name"] == "Badan Pengelolaan Keuangan dan Aset Daerah"
    assert "Kepala Bidang (Badan Pengelolaan Keuangan dan Aset Daerah)" in html
    assert "Dinas Pemadam Kebakaran dan Penyelamatan" in html
    assert "<td>kepala_dinas</td>" not in html
