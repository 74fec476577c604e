"""The age bands that choose Disdukcapil's SOP, as data with their legal sources.

Two services come in two SOPs each, told apart only by the age of the child:

* the Kartu Identitas Anak (KIA), one kind for children under five and one from five to the
  day before the seventeenth birthday (Permendagri 2/2016; the SOPs of Perbup Lampung
  Selatan 19/2026 lines 467-477 and 485-495 are titled "USIA 0-5 TAHUN" and "USIA 5-17
  TAHUN");
* the Kutipan Akta Kelahiran, reported within 60 days of the birth or later (UU 23/2006 as
  amended by UU 24/2013, Pasal 27 ayat (1) and Pasal 32 ayat (1); the SOPs of lines 520-530
  "USIA 1-60 HARI" and 503-513 "USIA >60 HARI").

A band is ``low <= age < high`` in its unit (full years, or calendar days since the birth);
``high`` None has no upper end. :func:`choose` returns the band an age falls in, or None
when no SOP of the family serves it (a KIA for someone of 17 or more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from services.dukcapil.domain import age_days, age_years

Unit = Literal["years", "days"]


@dataclass(frozen=True)
class Band:
    sop_key: str
    low: int
    high: int | None
    name_id: str
    name_en: str

    def holds(self, age: int) -> bool:
        return self.low <= age and (self.high is None or age < self.high)


@dataclass(frozen=True)
class Family:
    """SOPs that differ only by the age of their subject."""

    name: str
    unit: Unit
    bands: tuple[Band, ...]
    source: str
    checked: str
    """What was found in the text and where (see the report of issue 11)."""

    def age(self, birth: date, on: date) -> int:
        return age_years(birth, on) if self.unit == "years" else age_days(birth, on)

    def choose(self, birth: date, on: date) -> Band | None:
        age = self.age(birth, on)
        return next((b for b in self.bands if b.holds(age)), None)

    def band_of(self, sop_key: str) -> Band | None:
        return next((b for b in self.bands if b.sop_key == sop_key), None)


KIA = Family(
    name="kia", unit="years",
    bands=(
        Band("dukcapil-kia-0-5-tahun", 0, 5, "KIA usia 0-5 tahun", "KIA for ages 0-5"),
        Band("dukcapil-kia-5-17-tahun", 5, 17, "KIA usia 5-17 tahun", "KIA for ages 5-17"),
    ),
    source=("Permendagri Nomor 2 Tahun 2016 tentang Kartu Identitas Anak: KIA bagi anak "
            "berusia kurang dari 17 tahun dan belum kawin, dua jenis: untuk anak usia kurang "
            "dari 5 tahun (berlaku sampai anak berusia 5 tahun) dan untuk anak usia 5 tahun "
            "sampai dengan 17 tahun kurang satu hari"),
    checked=("Batas usia diperiksa pada teks yang mengutip Permendagri 2/2016 (laman "
             "Disdukcapil DKI Jakarta tentang KIA; kutipan Pasal 1-2 dan jenis KIA). Nomor "
             "pasal untuk dua jenis KIA tidak ditemukan pada teks yang tersedia: belum "
             "diverifikasi terhadap naskah resmi."),
)
"""Five is the first day of the second band (the 0-5 card expires on the fifth birthday);
17 ends the second (valid to "17 tahun kurang satu hari"), after which the child needs a
KTP-el."""

AKTA_KELAHIRAN = Family(
    name="akta_kelahiran", unit="days",
    bands=(
        Band("dukcapil-akta-kelahiran-1-60-hari", 0, 61,
             "Akta kelahiran usia 1-60 hari", "Birth certificate, ages 1-60 days"),
        Band("dukcapil-akta-kelahiran-lebih-60-hari", 61, None,
             "Akta kelahiran usia lebih dari 60 hari",
             "Birth certificate, older than 60 days"),
    ),
    source=("UU Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana diubah "
            "dengan UU Nomor 24 Tahun 2013, Pasal 27 ayat (1): setiap kelahiran wajib "
            "dilaporkan paling lambat 60 (enam puluh) hari sejak kelahiran; Pasal 32 ayat (1): "
            "pelaporan yang melampaui 60 hari sejak tanggal kelahiran dicatat setelah "
            "keputusan Kepala Instansi Pelaksana"),
    checked=("Pasal 27 ayat (1) diperiksa pada kutipan teks UU 23/2006 (hukumindo.com): "
             "\"paling lambat 60 (enam puluh) hari sejak kelahiran\" (hari kalender, bukan "
             "hari kerja). Isi Pasal 32 ayat (1) hasil perubahan UU 24/2013 diperiksa pada "
             "laman dinas (lewat 60 hari: keputusan kepala instansi pelaksana); naskah "
             "resminya tidak ditemukan. Pasal Perpres 96/2018 tentang hal ini: belum "
             "diverifikasi."),
)
"""Day 0 is the day of birth; the report is on time up to day 60 (the 60th day after the
birth), so the SOP "1-60 hari" takes days 0-60 and "lebih dari 60 hari" day 61 onward. A
report on the day of birth itself is on time too and goes to the 1-60 SOP."""

FAMILIES: tuple[Family, ...] = (KIA, AKTA_KELAHIRAN)


def family_of(sop_key: str) -> Family | None:
    """The family whose bands name ``sop_key``, if any."""
    return next((f for f in FAMILIES if f.band_of(sop_key) is not None), None)


def family_named(name: str) -> Family | None:
    return next((f for f in FAMILIES if f.name == name), None)
