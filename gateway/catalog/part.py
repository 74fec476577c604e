"""The catalog part: ``GET /api/v1/catalog?q=``, every SOP of every service in one list;
and ``GET /api/v1/agencies/{agency}``, an agency of the registry with its roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from gateway.catalog import agencies
from gateway.catalog.merge import merged_catalog
from gateway.catalog.search import search
from gateway.runtime import GatewayPart, GatewayRuntime
from shared.web.text import Line

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])


class CatalogEntry(BaseModel):
    service: str
    key: str
    version: int
    title: str
    """The title as printed in the regulation."""
    display_title: str
    """The title with an obvious misprint corrected (the printed title when there is none)."""
    agency: str
    agency_name: str
    category: str
    category_label: str
    """The category in Bahasa Indonesia (searched too)."""
    requirements: list[str]
    """Labels of the documents the applicant supplies."""
    steps: int
    total_time: str
    """The SOP's total standard time (e.g. ``1 jam 40 menit``)."""
    standard_url: str
    """The service standard, through the gateway (JSON, or HTML for a browser)."""


class UnavailableService(BaseModel):
    service: str
    reason: str


class Catalog(BaseModel):
    items: list[CatalogEntry]
    total: int
    unavailable: list[UnavailableService]
    """Services that did not answer: their SOPs are missing from ``items`` for now."""


@router.get("", response_model=Catalog)
async def catalog(request: Request,
                  q: Annotated[Line | None, Query(max_length=200)] = None) -> Catalog:
    """Every SOP of every service; ``q`` searches titles, agencies, categories and SOP keys,
    and knows the abbreviations people type (KIA, KK, KTP, SIP, PBB, IMB/PBG)."""
    runtime: GatewayRuntime = request.app.state.runtime
    merged = await merged_catalog(runtime)
    items = search(merged.entries, q)
    return Catalog(items=[CatalogEntry.model_validate(e) for e in items], total=len(items),
                   unavailable=[UnavailableService.model_validate(u)
                                for u in merged.unavailable])


routes = APIRouter()
routes.include_router(router)
routes.include_router(agencies.router)
PART = GatewayPart(name="catalog", router=routes)
