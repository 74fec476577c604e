"""Every shipped SOP says what it produces (issue 8): it declares at least one output, or a
reading starting "Tanpa dokumen keluaran:" says why it produces none; the outputs declared per
kind are counted, so an output removed by accident fails here; every archive code is one the
authoring guide's table explains.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from shared.sop.model import SopDefinition
from tests.support.sops import ROOT, all_sops

NO_OUTPUT = "Tanpa dokumen keluaran:"
"""The phrase that opens the reading of an SOP that produces no document."""

EXPECTED_PER_KIND = {
    "surat_keterangan": 57,  # 27 SIP-Online statements, 12 completion notices, SK, SKHP, ...
    "surat_rekomendasi": 9,
    "tanda_terima_dokumen": 9,  # Dukcapil cards and deeds
    "tanda_terima": 8,
    "berita_acara": 7,
    "surat_jawaban_pengaduan": 7,
    "bukti_pembayaran": 5,
    "surat_izin": 3,
    "sppt_salinan": 2,
}
WITHOUT_OUTPUT = {
    "bkd-presensi-online", "bpkad-buku-tamu-elektronik", "bpkad-pojok-konsultasi-online",
    "damkar-narasumber-edukasi-dini", "damkar-narasumber-sosialisasi-kebakaran",
    "dinkes-reaktivasi-pendaftaran-bpjs", "dinsos-konsultasi-bantuan-sosial",
    "dinsos-reaktivasi-pbi-jk", "diskopukm-pendataan-umkm", "diskopukm-permintaan-data-koperasi",
    "diskopukm-permintaan-data-umkm", "disnak-konsultasi-peternakan", "halo-lamsel-alur-umum",
    "ketapang-permohonan-narasumber-sosialisasi", "pdam-pemutusan-penyambungan-kembali",
    "pppa-pengaduan-kekerasan-perempuan-anak", "setda-fasilitasi-kerjasama-dalam-negeri",
}


def _sops() -> list[SopDefinition]:
    return [sop for sops in all_sops().values() for sop in sops]


def _says_none(sop: SopDefinition) -> bool:
    return any(r.startswith(NO_OUTPUT) for r in sop.readings)


def test_every_sop_declares_an_output_or_says_why_it_has_none() -> None:
    sops = _sops()
    assert len(sops) == 113
    for sop in sops:
        assert bool(sop.outputs) != _says_none(sop), sop.key
    assert {s.key for s in sops if not s.outputs} == WITHOUT_OUTPUT


def test_the_reason_for_no_output_is_more_than_the_phrase() -> None:
    for sop in _sops():
        for reading in sop.readings:
            if reading.startswith(NO_OUTPUT):
                assert len(reading) > len(NO_OUTPUT) + 40, sop.key


def test_outputs_per_kind_are_the_declared_totals() -> None:
    counts = Counter(o.kind for sop in _sops() for o in sop.outputs)
    assert dict(counts) == EXPECTED_PER_KIND
    assert sum(counts.values()) == 107


def test_every_output_has_an_archive_code_from_the_authoring_table() -> None:
    guide = (Path(ROOT) / "docs" / "sop-authoring.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\d{3}(?:\.\d+)*)` \|", guide, re.MULTILINE))
    used = {o.code for sop in _sops() for o in sop.outputs}
    assert None not in used
    assert used == documented


def test_the_kia_card_is_issued_at_the_kadis_tte() -> None:
    sop = next(s for s in _sops() if s.key == "dukcapil-kia-0-5-tahun")
    (card,) = sop.outputs
    assert (card.kind, card.title, card.step, card.action, card.signer, card.code) == (
        "tanda_terima_dokumen", "Kartu Identitas Anak (KIA)", "tte_kadis", "tte", "kepala_dinas",
        "470")


def test_complaint_sops_reply_to_the_reporter_or_say_why_not() -> None:
    for sop in all_sops()["pengaduan"]:
        kinds = {o.kind for o in sop.outputs}
        assert "surat_jawaban_pengaduan" in kinds or _says_none(sop), sop.key


def test_sip_online_permits_are_not_issued_a_second_time() -> None:
    sips = [s for s in all_sops()["perizinan"] if s.key.startswith("dpmptsp-izin-praktik-")]
    assert len(sips) == 27
    for sop in sips:
        (out,) = sop.outputs
        assert out.kind == "surat_keterangan" and out.step == "verifikasi_kadis", sop.key
        assert out.title.startswith("Keterangan Terbit Dokumen Perizinan: Surat Izin Praktik")
