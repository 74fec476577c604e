"""Department hooks of the pajak service (see shared.cases.hooks).

Every PBB-P2 request that names a NOP gets it checked and written in its standard form
before the case opens, so officers and the bank reconciliation see one spelling.
"""

from __future__ import annotations

from typing import Any

from services.pajak import messages  # noqa: F401  (registers the NOP problem codes)
from services.pajak.nop import NopError, parse_nop
from shared.cases.hooks import Hooks
from shared.engine.errors import InvalidSubmission
from shared.sop.model import SopDefinition

hooks = Hooks()
SOPS_WITH_NOP = ("bpprd-pbb-cek-tagihan", "bpprd-pbb-pembayaran", "bpprd-pbb-cetak-salinan")


async def standard_nop(_sop: SopDefinition, form: dict[str, Any]) -> None:
    value = form.get("nop")
    if not isinstance(value, str) or not value.strip():
        return  # missing or mistyped: the generic form check reports it with the others
    try:
        form["nop"] = parse_nop(value).formatted
    except NopError as exc:
        raise InvalidSubmission([{"field": "nop", "problem": exc.problem}]) from None


for _key in SOPS_WITH_NOP:
    hooks.on_open(_key)(standard_nop)
