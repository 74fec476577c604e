"""The figures of the SKM regulation, as data, each with where it stands in the regulation.

Source: Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun
2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik,
and its Lampiran (the Pedoman).

What was checked, and against what (reference copies read while writing this module):
- Pasal 1 ayat (1): every public-service provider must run the SKM periodically, at least once
  a year (the regulation's own text).
- Lampiran, Bab I, Ruang Lingkup: the nine unsur, in this order (a)–(i): Persyaratan; Sistem,
  Mekanisme, dan Prosedur; Waktu Penyelesaian; Biaya/Tarif; Produk Spesifikasi Jenis
  Pelayanan; Kompetensi Pelaksana; Perilaku Pelaksana; Penanganan Pengaduan, Saran dan
  Masukan; Sarana dan prasarana (same list and order on agencies' pages that quote it).
  Our ids ``u1``…``u9`` follow that order. The sample questionnaire of the Lampiran asks
  about sarana dan prasarana (question 8) *before* penanganan pengaduan (question 9): its
  order differs, its content does not; reports elsewhere that number by the questionnaire
  have U8/U9 swapped relative to ours.
- Lampiran, contoh kuesioner: one question per unsur, four answers a–d scored 1–4, with labels
  that differ per unsur (e.g. "Tidak sesuai … Sangat sesuai" for persyaratan, "Sangat mahal,
  Cukup mahal, Murah, Gratis" for biaya, "Tidak ada … Dikelola dengan baik" for pengaduan).
  The questions and labels below are those of the sample questionnaire (confirmed against
  several independent agency implementations of it); the English texts are ours.
- Lampiran, Bab pengolahan data: NRR per unsur = jumlah nilai per unsur / jumlah kuesioner
  yang terisi (per unsur); the weight of each of the 9 unsur = jumlah bobot / jumlah unsur =
  1/9, which copies print rounded (0,11 or 0,111; the copies read here disagree on the digits,
  not on 1/9); IKM = Σ NRR tertimbang;
  IKM unit pelayanan = IKM × 25 ("nilai dasar 25", so the scale runs 25–100).
- Lampiran, tabel Nilai Persepsi, Nilai Interval (NI), Nilai Interval Konversi (NIK), Mutu
  Pelayanan (x) dan Kinerja Unit Pelayanan (y): the four rows of :data:`GRADES`. The NI
  bounds are the NIK bounds divided by 25 (2,5996 = 64,99/25; 3,064 = 76,60/25;
  3,0644 = 76,61/25; 3,532 = 88,30/25; 3,5324 = 88,31/25). Some reproductions misprint
  76,60 as 76,66; the bound 76,60 is the one consistent with NI 3,064 × 25.
- What could not be read here is the Lampiran's own page images: the figures above were
  checked against the regulation's body text and against agencies' published SKM pages and
  reports that quote the Lampiran (e.g. a Disdukcapil SKM report page listing the nine unsur,
  "NRR tertimbang per unsur = NRR per unsur x 0,111" and the A–D table), which agree.
- Lampiran, penentuan sampel: the number of respondents is taken from the table of Krejcie
  and Morgan (1970, "Determining Sample Size for Research Activities") by population size.
  :data:`KREJCIE_MORGAN` is that table, row for row (90 rows, 10 → 10 up to 1.000.000 → 384);
  each row agrees with the table's formula S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)),
  χ² = 3,841, P = 0,5, d = 0,05, to the nearest whole respondent (checked in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

REGULATION = ("Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei "
              "Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik")
SCALE = (1, 2, 3, 4)
"""Lampiran, contoh kuesioner: answers a, b, c, d score 1, 2, 3, 4."""
CONVERSION_BASE = 25
"""Lampiran: "dikonversikan dengan nilai dasar 25" — IKM unit pelayanan = IKM × 25."""


@dataclass(frozen=True)
class Text:
    id: str
    en: str


@dataclass(frozen=True)
class Element:
    """One unsur pelayanan: its name (Ruang Lingkup), its question and its four labels
    (contoh kuesioner; ``labels[0]`` scores 1, ``labels[3]`` scores 4)."""

    key: str
    letter: str
    """Its letter in the Lampiran's Ruang Lingkup list."""
    name: Text
    question: Text
    labels: tuple[Text, Text, Text, Text]


def _labels(*pairs: tuple[str, str]) -> tuple[Text, Text, Text, Text]:
    a, b, c, d = (Text(i, e) for i, e in pairs)
    return a, b, c, d


ELEMENTS: tuple[Element, ...] = (
    Element("u1", "a", Text("Persyaratan", "Requirements"),
            Text("Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
                 "jenis pelayanannya?",
                 "How well did the requirements match the kind of service?"),
            _labels(("Tidak sesuai", "Not appropriate"), ("Kurang sesuai", "Barely appropriate"),
                    ("Sesuai", "Appropriate"), ("Sangat sesuai", "Very appropriate"))),
    Element("u2", "b", Text("Sistem, Mekanisme, dan Prosedur", "System, mechanism and procedure"),
            Text("Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
                 "How easy was this unit's service procedure?"),
            _labels(("Tidak mudah", "Not easy"), ("Kurang mudah", "Barely easy"),
                    ("Mudah", "Easy"), ("Sangat mudah", "Very easy"))),
    Element("u3", "c", Text("Waktu Penyelesaian", "Completion time"),
            Text("Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan "
                 "pelayanan?", "How fast was the service delivered?"),
            _labels(("Tidak cepat", "Not fast"), ("Kurang cepat", "Barely fast"),
                    ("Cepat", "Fast"), ("Sangat cepat", "Very fast"))),
    Element("u4", "d", Text("Biaya/Tarif", "Cost/fee"),
            Text("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
                 "How fair was the cost or fee of the service?"),
            _labels(("Sangat mahal", "Very expensive"), ("Cukup mahal", "Rather expensive"),
                    ("Murah", "Cheap"), ("Gratis", "Free of charge"))),
    Element("u5", "e", Text("Produk Spesifikasi Jenis Pelayanan",
                            "Product specification of the service"),
            Text("Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
                 "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
                 "How well did the result match the product named in the service standard?"),
            _labels(("Tidak sesuai", "Not appropriate"), ("Kurang sesuai", "Barely appropriate"),
                    ("Sesuai", "Appropriate"), ("Sangat sesuai", "Very appropriate"))),
    Element("u6", "f", Text("Kompetensi Pelaksana", "Competence of the staff"),
            Text("Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam "
                 "pelayanan?", "How competent were the staff who served you?"),
            _labels(("Tidak kompeten", "Not competent"), ("Kurang kompeten", "Barely competent"),
                    ("Kompeten", "Competent"), ("Sangat kompeten", "Very competent"))),
    Element("u7", "g", Text("Perilaku Pelaksana", "Conduct of the staff"),
            Text("Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
                 "kesopanan dan keramahan?",
                 "How polite and friendly were the staff who served you?"),
            _labels(("Tidak sopan dan ramah", "Neither polite nor friendly"),
                    ("Kurang sopan dan ramah", "Barely polite and friendly"),
                    ("Sopan dan ramah", "Polite and friendly"),
                    ("Sangat sopan dan ramah", "Very polite and friendly"))),
    Element("u8", "h", Text("Penanganan Pengaduan, Saran dan Masukan",
                            "Handling of complaints, suggestions and feedback"),
            Text("Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
                 "How are complaints from service users handled?"),
            _labels(("Tidak ada", "There is none"),
                    ("Ada tetapi tidak berfungsi", "There is one, but it does not work"),
                    ("Berfungsi kurang maksimal", "It works, but not fully"),
                    ("Dikelola dengan baik", "It is well managed"))),
    Element("u9", "i", Text("Sarana dan prasarana", "Facilities and infrastructure"),
            Text("Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
                 "How good were the facilities and infrastructure?"),
            _labels(("Buruk", "Poor"), ("Cukup", "Fair"), ("Baik", "Good"),
                    ("Sangat baik", "Very good"))),
)
ELEMENT_KEYS: tuple[str, ...] = tuple(e.key for e in ELEMENTS)
WEIGHT = Fraction(1, len(ELEMENTS))
"""Lampiran: bobot nilai rata-rata tertimbang = jumlah bobot / jumlah unsur = 1/9. Printed
rounded (0,11 or 0,111); the exact 1/9 is used so that all answers 4 give exactly 100,00 and all
answers 1 exactly 25,00, the ends of the NIK column."""


@dataclass(frozen=True)
class Grade:
    """One row of the Lampiran's table: nilai persepsi, NI, NIK, mutu, kinerja."""

    perception: int
    interval: tuple[Decimal, Decimal]
    """Nilai Interval (NI), on the IKM before conversion."""
    conversion: tuple[Decimal, Decimal]
    """Nilai Interval Konversi (NIK), on IKM × 25, two decimals."""
    quality: Literal["A", "B", "C", "D"]
    """Mutu Pelayanan (x)."""
    performance: Text
    """Kinerja Unit Pelayanan (y)."""


GRADES: tuple[Grade, ...] = (
    Grade(1, (Decimal("1.00"), Decimal("2.5996")), (Decimal("25.00"), Decimal("64.99")), "D",
          Text("Tidak baik", "Poor")),
    Grade(2, (Decimal("2.60"), Decimal("3.064")), (Decimal("65.00"), Decimal("76.60")), "C",
          Text("Kurang baik", "Fair")),
    Grade(3, (Decimal("3.0644"), Decimal("3.532")), (Decimal("76.61"), Decimal("88.30")), "B",
          Text("Baik", "Good")),
    Grade(4, (Decimal("3.5324"), Decimal("4.00")), (Decimal("88.31"), Decimal("100.00")), "A",
          Text("Sangat baik", "Very good")),
)

# Krejcie & Morgan (1970), population N -> minimum sample S, as the Lampiran takes it.
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148),
    (250, 152), (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175),
    (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254),
    (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320),
    (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346),
    (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)
