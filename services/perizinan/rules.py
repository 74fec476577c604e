"""The health-profession rules a practice permit (SIP) follows, as data with their sources.

Each figure names the regulation, article and paragraph it comes from and whether it was
checked against the text (``verified``). Where the text could not be found, ``note`` says
so; such a figure is still the one the regulation is commonly cited with, and an officer
can correct it here without touching code.

Validity: UU 17/2023 Pasal 264 ayat (3): "SIP ... berlaku selama 5 (lima) tahun dan dapat
diperpanjang selama memenuhi persyaratan" (the STR itself is valid for life, Pasal 260
ayat (4)), so every health SIP runs 5 years from its issue unless a rule says otherwise.
Places: PP 28/2024 Pasal 682 ayat (2): one SIP is valid for one place of practice; the
number of places per professional is the profession's limit below.
"""

from __future__ import annotations

from dataclasses import dataclass

HEALTH_PREFIX = "dpmptsp-izin-praktik-"
"""The SOP keys of the health practice permits (the others are hosted permits and
recommendations of other agencies)."""

SIP_VALIDITY_YEARS = 5
SIP_VALIDITY_SOURCE = ("UU 17/2023 tentang Kesehatan, Pasal 264 ayat (3): SIP berlaku 5 tahun "
                       "dan dapat diperpanjang")
ONE_PLACE_SOURCE = ("PP 28/2024, Pasal 682 ayat (2): satu SIP berlaku untuk satu tempat "
                    "praktik")


@dataclass(frozen=True)
class PracticeRule:
    profession: str
    label: str
    max_places: int | None
    """How many places (one SIP each) a professional may hold at once; None: the texts
    searched set no number for the profession, so none is enforced."""
    source: str
    verified: bool
    note: str = ""
    validity_years: int | None = SIP_VALIDITY_YEARS
    validity_source: str = SIP_VALIDITY_SOURCE
    validity_field: str | None = None
    """A form date that ends the permit instead (the internship's last day)."""


RULES: dict[str, PracticeRule] = {r.profession: r for r in (
    PracticeRule(
        "dokter-dokter-gigi", "dokter / dokter gigi", 3,
        "PP 28/2024 Pasal 682 ayat (2) dengan batas 3 tempat praktik bagi dokter dan dokter "
        "gigi (semula UU 29/2004 Pasal 37 ayat (2): SIP dokter/dokter gigi paling banyak 3 "
        "tempat)", True,
        "Angka 3 diperiksa pada teks UU 29/2004 Pasal 37 ayat (2) dan pada keterangan "
        "Kemenkes tentang PP 28/2024 Pasal 682 ayat (2) (1 Agustus 2024)."),
    PracticeRule(
        "bidan", "bidan", 2,
        "Permenkes 28/2017 tentang Izin dan Penyelenggaraan Praktik Bidan, Pasal 6 ayat (1): "
        "Bidan hanya dapat memiliki paling banyak 2 SIPB", True,
        "Diperiksa pada teks Permenkes 28/2017 Pasal 5 dan 6."),
    PracticeRule(
        "perawat", "perawat", 2,
        "Permenkes 26/2019 tentang Peraturan Pelaksanaan UU 38/2014 tentang Keperawatan "
        "(SIPP paling banyak 2 tempat)", False,
        "Belum diperiksa pada teks: pasal dan angka tidak ditemukan pada sumber yang dapat "
        "dicari; dipakai angka yang lazim dikutip."),
    PracticeRule(
        "apoteker", "apoteker", 3,
        "Permenkes 889/2011 jo. Permenkes 31/2016, Pasal 18 (SIPA paling banyak 3 tempat)",
        False,
        "Belum diperiksa pada teks: pasal dan angka tidak ditemukan pada sumber yang dapat "
        "dicari; dipakai angka yang lazim dikutip."),
    PracticeRule(
        "internship", "dokter internsip", 1,
        "Permenkes 39/2017 tentang Penyelenggaraan Program Internsip (satu wahana internsip)",
        False,
        "Belum diperiksa pada teks; masa berlaku mengikuti tanggal selesai internsip pada "
        "formulir.",
        validity_years=None, validity_source="Tanggal selesai internsip (formulir)",
        validity_field="tanggal_selesai_internsip"),
)}


def profession_of(sop_key: str) -> str | None:
    """The profession of a health practice permit SOP (its key after the prefix)."""
    if not sop_key.startswith(HEALTH_PREFIX):
        return None
    return sop_key[len(HEALTH_PREFIX):] or None


def rule_for(profession: str) -> PracticeRule:
    """The profession's rule; a profession without its own row gets the one-place rule of
    PP 28/2024 with no limit on the number of places and the 5-year validity."""
    found = RULES.get(profession)
    if found is not None:
        return found
    return PracticeRule(profession, profession.replace("-", " "), None, ONE_PLACE_SOURCE, True,
                        "Tidak ada batas jumlah tempat praktik yang ditemukan untuk profesi "
                        "ini; hanya satu SIP untuk satu tempat.")
