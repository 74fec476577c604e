"""PBB-P2 assessment (penetapan) under UU 1/2022 (HKPD) and the regency's figures.

Pure rules, no I/O besides reading the rules file once. The figures live in
``rules/pbb_p2.yaml`` with their legal source: the law's ceilings and floors (``law``) and the
regency's own figures within them (``regency``; the Perda was not found, so they are settings).

    NJOP       = land area x NJOP/m2 of the land class + building area x NJOP/m2 of its class
    NJOP kena  = NJOP - NJOPTKP (only on the taxpayer's one object that gets it; never < 0)
    dasar      = NJOP kena x the NJOP basis percentage (HKPD: 20%-100%)
    pokok      = dasar x the tariff of the NJOP's band (HKPD: at most 0,5%), whole rupiah
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).with_name("rules") / "pbb_p2.yaml"
LAND_KINDS = ("umum", "pangan_ternak")


class RuleError(ValueError):
    """A figure of the rules file outside what the law allows, or an unknown class."""


@dataclass(frozen=True)
class Band:
    upto: int | None
    rate: Decimal


@dataclass(frozen=True)
class Rules:
    njoptkp: int
    basis: Decimal
    bands: dict[str, tuple[Band, ...]]
    due_month_day: tuple[int, int]
    code_days: int
    land_classes: dict[str, int]
    building_classes: dict[str, int]
    interest_rate: Decimal
    interest_months_cap: int
    due_months_cap: int


@dataclass(frozen=True)
class Assessment:
    njop_bumi: int
    njop_bangunan: int
    njop: int
    njoptkp: int
    njop_kena: int
    dasar: int
    tarif: Decimal
    pokok: int


def whole_rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_rules(data: dict[str, Any]) -> Rules:
    """Read the rules data; refuse a regency figure outside the law's limits."""
    law = {k: v["value"] for k, v in data["law"].items()}
    reg = data["regency"]
    rules = Rules(
        njoptkp=int(reg["njoptkp"]), basis=Decimal(str(reg["dasar_pengenaan"])),
        bands={kind: tuple(Band(b["sampai"], Decimal(str(b["tarif"]))) for b in reg["tarif"][kind])
               for kind in LAND_KINDS},
        due_month_day=(int(reg["jatuh_tempo"][:2]), int(reg["jatuh_tempo"][3:])),
        code_days=int(reg["kode_bayar_hari"]),
        land_classes={str(k): int(v) for k, v in reg["kelas_bumi"].items()},
        building_classes={str(k): int(v) for k, v in reg["kelas_bangunan"].items()},
        interest_rate=Decimal(str(law["bunga_per_bulan"])),
        interest_months_cap=int(law["bunga_bulan_maksimum"]),
        due_months_cap=int(law["jatuh_tempo_bulan_maksimum"]))
    ceiling = Decimal(str(law["tarif_maksimum"]))
    if rules.njoptkp < int(law["njoptkp_minimum"]):
        raise RuleError("njoptkp below the law's floor (HKPD Pasal 40)")
    if not Decimal(str(law["dasar_pengenaan_minimum"])) <= rules.basis \
            <= Decimal(str(law["dasar_pengenaan_maksimum"])):
        raise RuleError("dasar_pengenaan outside 20%-100% (HKPD Pasal 40)")
    for kind, bands in rules.bands.items():
        if not bands or bands[-1].upto is not None:
            raise RuleError(f"tarif {kind}: the last band must have no upper bound")
        if any(b.rate <= 0 or b.rate > ceiling for b in bands):
            raise RuleError(f"tarif {kind} above 0,5% (HKPD Pasal 41 ayat (1))")
    if max(b.rate for b in rules.bands["pangan_ternak"]) >= min(
            b.rate for b in rules.bands["umum"]):
        raise RuleError("pangan_ternak must be lower than other land (HKPD Pasal 41 ayat (2))")
    if rules.code_days < 1:
        raise RuleError("kode_bayar_hari must be at least 1")
    return rules


@cache
def rules() -> Rules:
    return check_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def rate_for(r: Rules, kind: str, njop: int) -> Decimal:
    for band in r.bands[kind]:
        if band.upto is None or njop <= band.upto:
            return band.rate
    raise RuleError("no band")  # unreachable: check_rules wants an open last band


def assess(r: Rules, *, luas_bumi: Decimal, kelas_bumi: str, luas_bangunan: Decimal,
           kelas_bangunan: str | None, jenis: str = "umum", njoptkp_applies: bool = True
           ) -> Assessment:
    """The SPPT's figures for one object and tax year."""
    if kelas_bumi not in r.land_classes:
        raise RuleError("kelas-bumi-unknown")
    if luas_bangunan > 0 and (kelas_bangunan is None or kelas_bangunan not in
                              r.building_classes):
        raise RuleError("kelas-bangunan-unknown")
    if jenis not in LAND_KINDS:
        raise RuleError("jenis-unknown")
    njop_bumi = whole_rupiah(luas_bumi * r.land_classes[kelas_bumi])
    njop_bangunan = whole_rupiah(luas_bangunan * r.building_classes[kelas_bangunan or ""]) \
        if luas_bangunan > 0 else 0
    njop = njop_bumi + njop_bangunan
    njoptkp = min(r.njoptkp, njop) if njoptkp_applies else 0
    njop_kena = njop - njoptkp
    dasar = whole_rupiah(njop_kena * r.basis)
    tarif = rate_for(r, jenis, njop)
    return Assessment(njop_bumi=njop_bumi, njop_bangunan=njop_bangunan, njop=njop,
                      njoptkp=njoptkp, njop_kena=njop_kena, dasar=dasar, tarif=tarif,
                      pokok=whole_rupiah(dasar * tarif))
