"""ASN leave rules as data, each figure with its legal source.

PNS: PP 11/2017 tentang Manajemen PNS as amended by PP 17/2020 (Bab cuti, Pasal 310-341) and
its implementing rule Peraturan BKN 24/2017 as amended by Peraturan BKN 7/2021 (Lampiran).
PPPK: PP 49/2018 tentang Manajemen PPPK (cuti, Pasal 77-87).

``verified`` says where the figure was read in a text of the rule found during the work
(article wording quoted by BKD/BKPSDM pages of the regencies, see docs/departments.md); where
only a secondary text was found, ``note`` says so. Nothing here is the regency's choice: the
signatory table (:data:`SIGNATORIES`) follows the SOP text of Perbup Lampung Selatan 19/2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LeaveType = Literal["tahunan", "besar", "sakit", "bersalin", "alasan_penting"]
Unit = Literal["working_days", "months"]
EmployeeKind = Literal["pns", "cpns", "pppk"]


@dataclass(frozen=True)
class LeaveRule:
    kind: LeaveType
    label: str
    max_amount: int
    unit: Unit
    """``working_days``: counted on the office calendar; ``months``: a calendar span."""
    min_service_years: int
    """Years of continuous service the right needs (0: none)."""
    source: str
    verified: bool
    note: str = ""


PNS_RULES: dict[str, LeaveRule] = {
    "tahunan": LeaveRule(
        "tahunan", "Cuti tahunan", 12, "working_days", 1,
        "PP 11/2017 Pasal 311 ayat (1) (bekerja paling kurang 1 tahun terus-menerus) dan "
        "ayat (2) (12 hari kerja); ayat (3): paling kurang 1 hari kerja per permintaan",
        True),
    "besar": LeaveRule(
        "besar", "Cuti besar", 3, "months", 5,
        "PP 11/2017 Pasal 315 ayat (1): bekerja paling singkat 5 tahun terus-menerus, paling "
        "lama 3 bulan", True,
        "Pengecualian masa kerja untuk ibadah haji pertama (Peraturan BKN 24/2017) tidak "
        "diterapkan otomatis: Analis SDM memutuskan di langkah verifikasi."),
    "sakit": LeaveRule(
        "sakit", "Cuti sakit", 12, "months", 0,
        "PP 11/2017 Pasal 320 ayat (4): paling lama 1 tahun (ayat (5): dapat ditambah paling "
        "lama 6 bulan berdasarkan tim penguji kesehatan)", True,
        "Tambahan 6 bulan dan gugur kandungan (Pasal 321, 1,5 bulan) diputuskan petugas."),
    "bersalin": LeaveRule(
        "bersalin", "Cuti melahirkan", 3, "months", 0,
        "PP 11/2017 (cuti melahirkan, anak pertama sampai ketiga, paling lama 3 bulan); "
        "Peraturan BKN 24/2017 Lampiran", False,
        "Not verified against the text: the figure (3 bulan, anak ke-1 s.d. ke-3) was read in "
        "the BKN rule for PPPK (Peraturan BKN 7/2022 Pasal 18) and secondary texts; the PP "
        "article number was not found."),
    "alasan_penting": LeaveRule(
        "alasan_penting", "Cuti karena alasan penting", 1, "months", 0,
        "PP 11/2017 (cuti karena alasan penting, paling lama 1 bulan); Peraturan BKN 24/2017 "
        "Lampiran", False,
        "Not verified against the article text: 'paling lama 1 (satu) bulan' was read in a "
        "BKD summary of PP 11/2017; the article number was not found."),
}

PPPK_RULES: dict[str, LeaveRule] = {
    "tahunan": LeaveRule(
        "tahunan", "Cuti tahunan", 12, "working_days", 1,
        "PP 49/2018 Pasal 78 ayat (1) dan (2): bekerja paling sedikit 1 tahun, 12 hari kerja",
        True),
    "sakit": LeaveRule(
        "sakit", "Cuti sakit", 1, "months", 0,
        "PP 49/2018 Pasal 83 ayat (4): paling lama 1 bulan", True),
    "bersalin": LeaveRule(
        "bersalin", "Cuti melahirkan", 3, "months", 0,
        "PP 49/2018 (anak pertama sampai ketiga, paling lama 3 bulan); Peraturan BKN 7/2022 "
        "Pasal 18", True),
}
"""PP 49/2018 gives PPPK cuti tahunan, sakit, melahirkan and bersama only (the list of the
cuti article, verified): no cuti besar, alasan penting or CLTN."""

ANNUAL_DAYS = 12
"""PP 11/2017 Pasal 311 ayat (2); PP 49/2018 Pasal 78 ayat (2)."""
CARRY_MAX_ONE_YEAR = 6
"""Peraturan BKN 24/2017 Lampiran (cuti tahunan): the unused rest of a year may be used in the
next year for at most 6 working days (so 18 with the year's own, PP 11/2017 Pasal 313 ayat (1))."""
TOTAL_MAX_ONE_YEAR = 18
"""PP 11/2017 Pasal 313 ayat (1): at most 18 working days including the current year's."""
TOTAL_MAX_TWO_YEARS = 24
"""PP 11/2017 Pasal 313 ayat (2): not used 2 years or more in a row, at most 24 working days
including the current year's (so 12 carried)."""
NO_ANNUAL_AFTER_BIG = (
    "Peraturan BKN 24/2017 Lampiran (cuti besar): PNS yang menggunakan hak atas cuti besar "
    "tidak berhak atas cuti tahunan dalam tahun yang bersangkutan")
"""Read in BKN's own account of its rule (Humas BKN, 16 Dec 2019); the summaries of Peraturan
BKN 7/2021 found list no change to it (its changes: guru/dosen, cuti sakit, cuti tahunan
tambahan, cuti di luar negeri)."""
MAX_CHILDBIRTHS = 3
"""Cuti melahirkan for the first to the third child while an ASN (see ``bersalin``)."""
CUTI_BERSAMA_SOURCE = (
    "PP 11/2017 Pasal 333 ayat (2): cuti bersama tidak mengurangi hak cuti tahunan; ayat (3): "
    "PNS yang karena jabatannya tidak diberikan cuti bersama, hak cuti tahunannya ditambah; "
    "2026: Keppres 42/2025 (8 hari: 16 Feb, 18, 20, 23, 24 Mar, 15, 28 Mei, 24 Des)")
"""So cuti bersama days are off the office calendar (they are not working days) and never
taken from the annual ledger; an ASN who must work them gets them added by a BKD adjustment."""

CLTN_MIN_SERVICE_YEARS = 5
CLTN_MAX_MONTHS = 36
CLTN_EXTENSION_MAX_MONTHS = 12
CLTN_SOURCE = ("PP 11/2017 (CLTN: bekerja paling singkat 5 tahun terus-menerus, paling lama "
               "3 tahun, dapat diperpanjang paling lama 1 tahun). Not verified against the "
               "article text: the figures were read in secondary texts only.")

Signer = Literal["kepala_bkd", "sekda", "bupati"]
POSITIONS = ("struktural_eselon_ii", "struktural_eselon_iii", "struktural_eselon_iv_ke_bawah",
             "fungsional", "pelaksana")


@dataclass(frozen=True)
class SignerRule:
    signer: Signer
    action: str
    """The action of step ``terbitkan_surat_cuti`` of bkd-cuti-pegawai that reaches it."""
    source: str
    assumed: bool = False
    """True where the SOP text names no signer and the reading below was chosen."""


_SOP = "Perbup Lampung Selatan 19/2026, Lampiran, Pelayanan Cuti Pegawai langkah 7"
_KEPALA = SignerRule("kepala_bkd", "ke_kepala_bkd", _SOP + " (daftar Kepala BKD)")
_SEKDA = SignerRule("sekda", "ke_sekda", _SOP + " (daftar Sekretaris Daerah)")
_BUPATI = SignerRule("bupati", "ke_bupati", _SOP + " (daftar Bupati)")
ASSUMED_NOTE = ("Teks SOP tidak menyebut penandatangan untuk kombinasi ini; dibaca mengikuti "
                "daftar terdekat (cuti besar seperti cuti di luar negeri, cuti tahunan Eselon IV "
                "ke bawah seperti daftar Kepala BKD).")


def _assumed(rule: SignerRule) -> SignerRule:
    return SignerRule(rule.signer, rule.action, rule.source + "; " + ASSUMED_NOTE, True)


SIGNATORIES: dict[tuple[str, str], SignerRule] = {
    **{(kind, "struktural_eselon_ii"): _BUPATI
       for kind in ("tahunan", "alasan_penting", "bersalin", "sakit")},
    **{(kind, "struktural_eselon_iii"): _SEKDA
       for kind in ("tahunan", "alasan_penting", "bersalin", "sakit")},
    **{(kind, pos): _KEPALA for kind in ("alasan_penting", "bersalin", "sakit")
       for pos in ("struktural_eselon_iv_ke_bawah", "fungsional", "pelaksana")},
    **{("tahunan", pos): _assumed(_KEPALA)
       for pos in ("struktural_eselon_iv_ke_bawah", "fungsional", "pelaksana")},
    ("besar", "struktural_eselon_ii"): _assumed(_BUPATI),
    **{("besar", pos): _assumed(_SEKDA) for pos in POSITIONS if pos != "struktural_eselon_ii"},
}
"""Who signs the Surat Cuti, by (leave type, position). The Kepala BKD list names cuti tahunan
only for 'Jabatan Fungsional Umum dan Lainnya di Lingkungan Sekretariat Daerah'; other cuti
tahunan of Eselon IV and below is read as the Kepala BKD's too (``assumed``)."""
ABROAD_ESELON_II = _BUPATI
ABROAD_OTHERS = _SEKDA
"""'Cuti ASN yang dilaksanakan di Luar Negeri' is on both the Sekda's and the Bupati's list:
read (as the SOP's readings say) Bupati for Eselon II, Sekretaris Daerah otherwise."""
