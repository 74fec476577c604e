"""Nomor Objek Pajak (NOP) of PBB-P2: 18 digits, written PP.KK.KKK.DDD.BBB-NNNN.J.

PP province, KK regency/city, KKK kecamatan, DDD desa/kelurahan, BBB block, NNNN object
number, J a code of the object's kind. Since PBB-P2 became a regional tax (UU 28/2009, now
UU 1/2022) each regency administers its own objects, so the regency only takes NOPs that
start with its own code: 18 (Lampung) 01 (Lampung Selatan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGENCY_PREFIX = "1801"
_SEPARATORS = re.compile(r"[\s.\-]")


class NopError(ValueError):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Nop:
    digits: str

    @property
    def formatted(self) -> str:
        d = self.digits
        return f"{d[0:2]}.{d[2:4]}.{d[4:7]}.{d[7:10]}.{d[10:13]}-{d[13:17]}.{d[17]}"

    def parts(self) -> dict[str, str]:
        d = self.digits
        return {"provinsi": d[0:2], "kabupaten": d[2:4], "kecamatan": d[4:7], "desa": d[7:10],
                "blok": d[10:13], "nomor_urut": d[13:17], "kode_jenis": d[17]}


def parse_nop(text: str) -> Nop:
    """Read a NOP as typed (dots, dashes and spaces optional); raise NopError with a code."""
    digits = _SEPARATORS.sub("", text)
    if not re.fullmatch(r"[0-9]{18}", digits):
        raise NopError("not-nop")
    if not digits.startswith(REGENCY_PREFIX):
        raise NopError("nop-other-regency")
    if digits[4:7] == "000" or digits[7:10] == "000" or digits[13:17] == "0000":
        raise NopError("not-nop")
    return Nop(digits)
