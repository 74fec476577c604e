"""Catalog search finds the abbreviations people type (KIA, KK, KTP, SIP, PBB, IMB/PBG) and
SOP keys, against the real SOPs of Dukcapil, Perizinan and Pajak; an abbreviation matches as
a whole word, never inside another ("imb" is not "pembimbing")."""

from __future__ import annotations

from pathlib import Path

from gateway.catalog.search import abbreviations
from tests.gateway.routing.harness import gateway_stack

SERVICES = ("dukcapil", "perizinan", "pajak")
KIA = {"dukcapil-kia-0-5-tahun", "dukcapil-kia-5-17-tahun"}
KK = {"dukcapil-kk-hilang", "dukcapil-perubahan-data-kk"}
PBB = {"bpprd-pbb-cek-tagihan", "bpprd-pbb-cetak-salinan", "bpprd-pbb-pembayaran",
       "bpprd-pbb-pendaftaran-objek-pajak-baru"}
PBG = {"pupr-persetujuan-bangunan-gedung"}
SIP_KEYS = {p.stem for p in Path("services/perizinan/sops").glob("dpmptsp-izin-praktik-*.yaml")}


def test_every_abbreviation_says_why() -> None:
    known = abbreviations()
    assert {"kia", "kk", "ktp", "sip", "pbb", "imb", "pbg"} <= set(known)
    assert all(a.reason.strip() and (a.means or a.sops) for a in known.values())


CASES = [
    ("KIA", KIA), ("kia", KIA), ("KK", KK), ("KTP", {"dukcapil-yanduksatlantas"}),
    ("ktp-el", {"dukcapil-yanduksatlantas"}), ("SIP", SIP_KEYS), ("PBB", PBB),
    ("IMB", PBG), ("PBG", PBG), ("IMB/PBG", PBG), ("imb pbg", PBG),
    ("SIP bidan", {"dpmptsp-izin-praktik-bidan"}), ("KIA 5-17", {"dukcapil-kia-5-17-tahun"}),
    ("dukcapil-kk-hilang", {"dukcapil-kk-hilang"}), ("bpprd-pbb", PBB),
]


async def test_search_finds_what_people_type(tmp_path: Path) -> None:
    assert len(SIP_KEYS) == 27
    async with gateway_stack(tmp_path, SERVICES) as stack:
        for q, expected in CASES:
            response = await stack.client.get("/api/v1/catalog", params={"q": q})
            assert response.status_code == 200
            assert {e["key"] for e in response.json()["items"]} == expected, q
