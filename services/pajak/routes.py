"""Department routes of the pajak service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.pajak import messages  # noqa: F401  (registers the NOP problem codes)
from services.pajak.nop import NopError, parse_nop
from shared.web.problems import ProblemError

router = APIRouter(prefix="/nop", tags=["pajak"])


class NopOut(BaseModel):
    nop: str
    """The NOP in its standard form, PP.KK.KKK.DDD.BBB-NNNN.J."""
    parts: dict[str, str]


@router.get("/periksa", response_model=NopOut)
async def check_nop(nop: Annotated[str, Query(max_length=40)]) -> NopOut:
    """Check a NOP as typed before submitting (the form of a PBB-P2 request uses it)."""
    try:
        parsed = parse_nop(nop)
    except NopError as exc:
        raise ProblemError(422, exc.problem) from None
    return NopOut(nop=parsed.formatted, parts=parsed.parts())
