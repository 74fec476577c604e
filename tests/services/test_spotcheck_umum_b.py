"""Spot checks of the `umum` SOP definitions (second batch) against Perbup Lampung Selatan
19/2026. Every expected value below was read by hand in the regulation text
(``shared/seed/perbup-19-2026-halo-lamsel.txt``); the line numbers are given per SOP."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop
from tests.support.sops import step_routes as routes
from tests.support.sops import step_table as table

SOPS = Path(__file__).resolve().parents[2] / "services" / "umum" / "sops"

MINE = (
    "dpmd-pemberhentian-pengangkatan-perangkat-desa",
    "dpmd-pemberhentian-pengangkatan-kepala-desa",
    "dpmd-konsultasi-dana-desa",
    "dpmd-konsultasi-aset-desa",
    "ketapang-permohonan-narasumber-sosialisasi",
    "brida-informasi-data-kajian",
    "brida-informasi-data-inovasi",
    "diskopukm-permintaan-data-umkm",
    "diskopukm-permintaan-data-koperasi",
    "diskopukm-pendataan-umkm",
    "dishub-pemasangan-lpju",
    "dinsos-rekomendasi-pip",
    "dinsos-reaktivasi-pbi-jk",
    "dinsos-konsultasi-bantuan-sosial",
    "disnak-konsultasi-peternakan",
    "bpbj-konsultasi-pengadaan-barang-jasa",
    "setda-fasilitasi-kerjasama-dalam-negeri",
    "pdam-perubahan-identitas-pelanggan",
    "pdam-pemasangan-sambungan-baru",
    "pdam-pemutusan-penyambungan-kembali",
    "pinjam-pakai-gedung",
)


def load(key: str) -> SopDefinition:
    return spot_sop("umum", key)






@pytest.mark.parametrize("key", MINE)
def test_every_file_loads_with_its_key_and_a_source(key: str) -> None:
    sop = load(key)
    assert sop.key == key
    assert sop.service == "umum"
    # version 2: the officer's paper or figure declared on an officer action (fields/documents)
    assert sop.version == (2 if key in ("dishub-pemasangan-lpju",
                                        "pdam-pemasangan-sambungan-baru") else 1)
    assert sop.source and sop.source.startswith("Lampiran Perbup 19/2026 (baris ")
    assert sop.readings, "every SOP of this batch records at least one reading"
    # every return and every rejection makes the officer say why
    for step in sop.steps:
        for action in step.actions:
            if action.kind == "return" or action.to == "@rejected":
                assert action.comment_required, (key, step.id, action.name)


# -- Brida: LAYANAN INFORMASI DATA KAJIAN, lines 1803-1825 ---------------------------------------
# Columns (1806): Pemohon | Petugas Layanan | Sekretaris | Bidang Pengampu Kajian/Riset |
# Kepala Badan. Times 1807-1825: 10 menit, 30 menit, 15 menit, 1 hari kerja, 15 menit,
# 30 menit, 1 hari kerja, 2 hari kerja, 1 hari kerja x 5, 30 menit, 30 menit, "Berkala".
def test_brida_kajian_steps_actors_and_times() -> None:
    sop = load("brida-informasi-data-kajian")
    assert sop.title == "LAYANAN INFORMASI DATA KAJIAN"
    assert sop.agency == "brida"
    assert table(sop) == [
        (1, "pemohon", "applicant", "10 menit"),
        (2, "front_office", "officer", "30 menit"),
        (3, "front_office", "officer", "15 menit"),
        (4, "front_office", "officer", "1 hari kerja"),
        (5, "front_office", "officer", "15 menit"),
        (6, "sekretaris", "officer", "30 menit"),
        (7, "kabid", "officer", "1 hari kerja"),
        (8, "sekretaris", "officer", "2 hari kerja"),
        (9, "sekretaris", "officer", "1 hari kerja"),
        (10, "kabid", "officer", "1 hari kerja"),
        (11, "kabid", "officer", "1 hari kerja"),
        (12, "kepala_dinas", "officer", "1 hari kerja"),
        (13, "front_office", "officer", "1 hari kerja"),
        (14, "front_office", "automatic", "30 menit"),
        (15, "front_office", "officer", "30 menit"),
        (16, "front_office", "automatic", None),
    ]
    assert sop.step("rekap").time_printed == "Berkala"


def test_brida_kajian_five_decisions_of_the_text() -> None:
    sop = load("brida-informasi-data-kajian")
    # 4 (line 1810): objek tidak jelas -> dikonfirmasi kembali ke Pemohon (loop back to 4)
    assert routes(sop, "verifikasi_objek") == {
        "jelas": "klasifikasi", "tidak_jelas": ("return", "3 hari kerja", None)}
    # 5 (1811): bukan layanan data kajian -> dialihkan/dirujuk atau diberi penjelasan
    assert routes(sop, "klasifikasi") == {"termasuk": "disposisi", "tidak_termasuk": "@archived"}
    # 7 (1813): ditemukan -> verifikasi Sekretaris (PPID); tidak -> penjelasan (jawaban)
    assert routes(sop, "penelusuran") == {
        "ditemukan": "telaah_keterbukaan", "tidak_ditemukan": "penyusunan_jawaban"}
    # 8 (1814): four disclosure statuses; "tidak dapat diberikan" -> jawaban penolakan
    assert routes(sop, "telaah_keterbukaan") == {
        "terbuka_penuh": "bentuk_layanan", "terbuka_sebagian": "bentuk_layanan",
        "metadata_ringkasan": "bentuk_layanan", "tidak_dapat_diberikan": "penyusunan_jawaban"}
    # 9 (1815): metadata/ringkasan/salinan penuh/salinan sebagian/penolakan
    assert routes(sop, "bentuk_layanan") == {
        "salinan_penuh": "redaksi", "salinan_sebagian": "redaksi",
        "metadata_ringkasan": "penyusunan_jawaban", "penolakan": "penyusunan_jawaban"}
    # 12 (1821): Kepala Badan signs; 13 (1822) delivers
    assert routes(sop, "pengesahan_jawaban") == {"sahkan": "penyampaian"}


def test_brida_inovasi_copies_the_kajian_table() -> None:
    # lines 1834-1863 repeat 1803-1825 word for word (step 1 still says "data kajian")
    kajian, inovasi = load("brida-informasi-data-kajian"), load("brida-informasi-data-inovasi")
    assert inovasi.title == "LAYANAN INFORMASI DATA INOVASI"
    assert table(inovasi) == table(kajian)
    assert [routes(inovasi, s.id).keys() for s in inovasi.steps] == \
        [routes(kajian, s.id).keys() for s in kajian.steps]
    assert "data kajian" in inovasi.step("pengajuan").activity
    assert any("kata demi kata" in r for r in inovasi.readings)


# -- PDAM: PEMASANGAN SAMBUNGAN BARU, lines 2334-2348 --------------------------------------------
# Waktu: 1 hari kerja x 3, approval 1 jam (2342), payment 10 menit (2343), pengesahan
# 1 hari kerja, meter 2 hari kerja (2346), penyelesaian and pelaporan 1 hari kerja.
def test_pdam_sambungan_baru_steps_and_fee() -> None:
    sop = load("pdam-pemasangan-sambungan-baru")
    assert sop.agency == "pdam"
    assert table(sop) == [
        (1, "pemohon", "applicant", "1 hari kerja"),
        (2, "front_office", "officer", "1 hari kerja"),
        (3, "bagian_perencanaan_distribusi", "officer", "1 hari kerja"),
        (4, "bagian_hublang", "officer", "1 jam"),
        (5, "front_office", "external", "10 menit"),
        (6, "bagian_hublang", "officer", "1 hari kerja"),
        (7, "bagian_perencanaan_distribusi", "officer", "2 hari kerja"),
        (8, "bagian_perencanaan_distribusi", "officer", "1 hari kerja"),
        (9, "bagian_hublang", "officer", "1 hari kerja"),
    ]
    # line 2342: disetujui -> lengkapi berkas, daftar tunggu; tidak -> tidak dapat jadi pelanggan
    assert routes(sop, "persetujuan") == {"setujui": "pembayaran", "tolak": "@rejected"}
    assert sop.step("pembayaran").institution == "Billing System PDAM"
    assert routes(sop, "pembayaran")["lunas"] == "pengesahan"
    assert sop.standard.cost and "biaya penyambungan" in sop.standard.cost.lower()
    assert sop.standard.cost != "Tidak dipungut biaya (gratis)"
    assert {d.key for d in sop.documents} >= {"surat_permohonan", "surat_pernyataan",
                                               "surat_persetujuan_biaya"}


def test_pdam_pemutusan_branches_on_arrears() -> None:
    # lines 2350-2361: step 4 (2 hari kerja): tunggakan -> pemutusan, else penyambungan kembali;
    # step 5 drawn in the Front Office column (2360)
    sop = load("pdam-pemutusan-penyambungan-kembali")
    assert [s.time for s in sop.steps] == ["1 hari kerja"] * 3 + ["2 hari kerja", "1 hari kerja"]
    assert routes(sop, "persetujuan") == {"pemutusan": "pelaporan",
                                          "penyambungan_kembali": "pelaporan"}
    assert sop.step("pelaporan").actor == "front_office"


def test_pdam_identitas_validity_loop() -> None:
    # line 2300: identitas tidak valid -> pemeriksaan identitas pelanggan kembali (step 3)
    sop = load("pdam-perubahan-identitas-pelanggan")
    assert len(sop.steps) == 8
    assert all(s.time == "1 hari kerja" for s in sop.steps)
    r = routes(sop, "persetujuan")
    assert r["valid"] == "berita_acara"
    assert r["tidak_valid"] == "pemeriksaan_identitas"


# -- PINJAM PAKAI GEDUNG, lines 2363-2378 ---------------------------------------------------
# Columns (2366): Kadis | Sekretaris | Kabid | Kasubag Tu | Bendahara Penerimaan | Peminjam.
# "Ya" (2374) / "Tidak" (2375) in the Kadis column; step 12 deposit "Dalam 1X24 Jam" (2378).
def test_pinjam_pakai_gedung_steps() -> None:
    sop = load("pinjam-pakai-gedung")
    assert sop.agency == "sarpras"
    assert table(sop) == [
        (1, "pemohon", "applicant", "10 menit"),
        (2, "kasubbag", "officer", "30 menit"),
        (3, "sekretaris", "officer", "30 menit"),
        (4, "kepala_dinas", "officer", "15 menit"),
        (5, "sekretaris", "officer", "15 menit"),
        (6, "kasubbag", "officer", "15 menit"),
        (7, "kabid", "officer", "15 menit"),
        (8, "kasubbag", "officer", "30 menit"),
        (9, "kepala_dinas", "officer", "30 menit"),
        (10, "kabid", "officer", "10 menit"),
        (11, "pemohon", "applicant", None),
        (12, "bendahara_penerimaan", "officer", "10 menit"),
        (12, "bendahara_penerimaan", "officer", "1 x 24 jam"),
    ]
    assert sop.step("pembayaran_sewa").time_printed == "10 menit"
    deposit = sop.step("penyetoran_bank").standard_time()
    assert deposit is not None and (deposit.unit, deposit.amount) == ("elapsed_hour", 24)
    # Ya -> signed and handed to Kabid (10); Tidak -> back to the correction (8)
    assert routes(sop, "penandatanganan") == {"tandatangani": "penerimaan_kabid",
                                              "koreksi_ulang": "koreksi"}
    assert "sewa" in (sop.standard.cost or "").lower()
    assert any("tidak menyebut nama dinas" in r for r in sop.readings)


# -- Setda: FASILITASI KERJASAMA DALAM NEGERI, lines 2265-2288 ----------------------------------
# Unnumbered rows (2269-2274, 2283-2288); Waktu: -, -, -, -, 15 Menit, 15 Menit (2273-2274),
# 2 Jam, 1 Hari, "1 Hari Dokumen", 2 Hari, 1 Hari, 3 Hari (2283-2288).
def test_setda_kerjasama_rows_and_times() -> None:
    sop = load("setda-fasilitasi-kerjasama-dalam-negeri")
    assert sop.agency == "setda-kerjasama"
    assert table(sop) == [
        (None, "pemohon", "applicant", None),
        (None, "staf", "automatic", None),
        (None, "staf", "officer", "15 Menit"),
        (None, "kabid", "external", "1 Hari"),
        (None, "kabid", "officer", "15 Menit"),
        (None, "analis_kebijakan", "officer", "15 Menit"),
        (None, "staf", "officer", "2 Jam"),
        (None, "analis_kebijakan", "officer", "1 Hari"),
        (None, "analis_kebijakan", "officer", "1 Hari"),
        (None, "kabid", "officer", "2 Hari"),
        (None, "tkksd", "officer", "1 Hari"),
        (None, "tkksd", "officer", "3 Hari"),
    ]
    assert sop.step("koordinasi_kabag").time_printed == "1 Hari Dokumen"
    assert sop.step("koordinasi_kabag").output == "Dokumen"
    # untimed rows 3 and 4 carry the reading of the chosen time
    assert sop.step("agenda_surat").time_reading and sop.step("pimpinan_daerah").time_reading
    assert routes(sop, "pertimbangan_tkksd") == {"pertimbangan_disampaikan": "@completed"}


# -- DPMD: PEMBERHENTIAN DAN PENGANGKATAN PERANGKAT DESA, lines 1667-1692 -----------------------
def test_dpmd_perangkat_desa_decision_and_sekda() -> None:
    sop = load("dpmd-pemberhentian-pengangkatan-perangkat-desa")
    assert [s.time for s in sop.steps] == [
        "10 Menit", "20 Menit", "5-20 Menit", "10 Menit", "10 Menit", "10 Menit",
        "1 hari", "1 hari", "1 jam", "5 menit", "10 menit"]
    assert [s.actor for s in sop.steps] == [
        "pemohon", "staf", "kabid", "kabid", "kabid", "staf", "kepala_dinas", "staf", "staf",
        "staf", "staf"]
    # step 5 (line 1675): lengkap -> proses dilanjutkan; tidak lengkap -> perangkat desa melengkapi
    r = routes(sop, "keputusan_kelengkapan")
    assert r["lengkap"] == "pembuatan_rekom"
    assert r["tidak_lengkap"] == ("return", "3 hari kerja", "pemeriksaan_kelengkapan")
    # step 8 (line 1678): signed by the Sekda, outside DPMD
    assert sop.step("ttd_sekda").kind == "external"
    assert sop.step("notifikasi_pengambilan").kind == "automatic"


def test_dpmd_konsultasi_keeps_printed_numbers() -> None:
    # lines 1728-1737: numbering jumps 4 -> 7
    sop = load("dpmd-konsultasi-dana-desa")
    assert [s.nomor for s in sop.steps] == [1, 2, 3, 4, 7, 8]
    assert routes(sop, "kesesuaian_laporan") == {
        "sesuai": "tanda_terima", "belum_sesuai": ("return", "3 hari kerja", "pemeriksaan_laporan")}


# -- Dinsos: REAKTIVASI PBI JK, lines 2113-2121 ------------------------------------------------
def test_dinsos_pbi_jk_waits_for_kemensos_bpjs() -> None:
    sop = load("dinsos-reaktivasi-pbi-jk")
    # five printed steps of 8 Jam, then "Masyarakat menunggu proses pengaktifan ± 7 Hari" (2121)
    assert [s.time for s in sop.steps] == ["8 Jam"] * 5 + ["± 7 Hari"]
    assert [s.nomor for s in sop.steps] == [1, 2, 3, 4, 5, None]
    last = sop.step("pengaktifan")
    assert last.kind == "external"
    assert last.institution and "Kementerian Sosial" in last.institution \
        and "BPJS Kesehatan" in last.institution
    assert routes(sop, "pengaktifan") == {"aktif": "@completed", "tidak_diaktifkan": "@rejected"}
    assert "SIKS-NG" in sop.step("unggah_siks_ng").activity


# -- Dishub: PERMINTAAN PEMASANGAN LPJU, lines 1935-1954 ----------------------------------------
def test_dishub_lpju_times_and_stated_total() -> None:
    sop = load("dishub-pemasangan-lpju")
    assert [s.time for s in sop.steps] == ["1 Hari", "1 Hari", "1 Hari", "3 Hari", "3 Hari",
                                          "2 Hari", "3 Hari", "1 Hari"]
    assert sop.step("pemasangan").time_printed == "Disesuaikan dengan lokasi"
    assert sop.standard.stated_total_time == "± 12 Hari"
    # Ket step 2 (line 1947): tidak lengkap -> dikembalikan kepada pemohon
    assert routes(sop, "penerimaan")["tidak_lengkap"] == ("return", "3 hari kerja", None)


# -- BPBJ: KONSULTASI PENGADAAN BARANG DAN JASA, lines 2217-2225 -------------------------------
def test_bpbj_incomplete_is_rejected_as_written() -> None:
    sop = load("bpbj-konsultasi-pengadaan-barang-jasa")
    # 2224: "Jika tidak lengkap, maka Operator menolak permohonan ... disertai dengan alasannya"
    assert routes(sop, "verifikasi") == {"terima": "konsultasi_tatap_muka", "tolak": "@rejected"}
    assert sop.step("verifikasi").time == "60 menit"
    assert sop.step("registrasi_akun").time_printed == "-"


# -- the correction loop of Pinjam Pakai Gedung, run through the engine -------------------------
def test_pinjam_pakai_gedung_runs_the_correction_loop() -> None:
    from shared.calendar import calendar_for
    from shared.engine.engine import SopEngine
    from shared.engine.state import Principal

    sop = load("pinjam-pakai-gedung")
    now = [datetime(2026, 8, 4, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))]
    engine = SopEngine(lambda: now[0], calendar_for)
    owner = Principal("peminjam", frozenset({"citizen"}))
    form = {"nama_peminjam": "A", "nik_peminjam": "1801010101010001", "alamat_peminjam": "Kalianda",
            "telepon_peminjam": "081234567890", "gedung": "Aula", "nama_kegiatan": "Rapat",
            "tanggal_mulai": "2026-08-20", "tanggal_selesai": "2026-08-20"}
    case = engine.start(sop, case_id="c", tracking_no="T", applicant=owner, form=form,
                        documents=["surat_permohonan"]).case
    assert case.step_id == "penerimaan_kasubbag"

    def officer(role: str) -> Principal:
        return Principal(role, frozenset({f"sarpras:{role}"}))

    plan = [("kasubbag", "disposisikan"), ("sekretaris", "teruskan"),
            ("kepala_dinas", "disposisikan"), ("sekretaris", "disposisikan"),
            ("kasubbag", "teruskan"), ("kabid", "buat_rekomendasi"), ("kasubbag", "serahkan"),
            ("kepala_dinas", "koreksi_ulang"), ("kasubbag", "serahkan"),
            ("kepala_dinas", "tandatangani"), ("kabid", "teruskan")]
    for role, action in plan:
        now[0] += timedelta(minutes=5)
        case = engine.act(sop, case, officer(role), action, comment="catatan").case
    assert case.step_id == "pembayaran_sewa"
    case = engine.act(sop, case, owner, "bayar_sewa").case
    case = engine.act(sop, case, officer("bendahara_penerimaan"), "diterima").case
    assert case.step_id == "penyetoran_bank"
    # 1 x 24 jam counts round-the-clock hours from the receipt
    assert case.step_due_at is not None and case.step_due_at - now[0] >= timedelta(hours=24)
    case = engine.act(sop, case, officer("bendahara_penerimaan"), "disetor").case
    assert case.status == "completed"


def test_perpustakaan_keliling_visit_has_no_made_up_deadline() -> None:
    """Line 1316: step 4 (coordination until the team arrives on the agreed date) prints "-";
    it gets no standard time, so a visit planned weeks ahead is never flagged late."""
    sop = load("perpustakaan-kunjungan-perpustakaan-keliling")
    visit = sop.step("koordinasi_kunjungan")
    assert (visit.nomor, visit.actor, visit.time, visit.time_printed) == (4, "kabid", None, "-")
    assert visit.standard_time() is None
    assert [s.time for s in sop.steps if s.nomor in (2, 3, 5)] == ["1 hari kerja"] * 3
