"""Fetching every service's ``GET /sops`` concurrently and merging them into one catalog.

A service that does not answer (in time, or at all, or with an error) is listed in
``unavailable``; the others still make up the catalog. The merged list is kept for a short
time (``CACHE_TTL_S``; a partial one for less) so a busy catalog page does not fan out to
seven services on every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from gateway.runtime import GatewayRuntime
from shared.registry import load_registry

log = logging.getLogger("halo.gateway.catalog")
CACHE_TTL_S = 30.0
PARTIAL_TTL_S = 5.0


@dataclass
class Merged:
    entries: list[dict[str, Any]]
    unavailable: list[dict[str, str]]
    fetched_at: float


@dataclass
class CatalogCache:
    merged: Merged | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _entry(service: str, sop: dict[str, Any], agency_names: dict[str, str]) -> dict[str, Any]:
    key = str(sop["key"])
    return {
        "service": service, "key": key, "version": sop["version"], "title": sop["title"],
        "display_title": sop.get("display_title") or sop["title"],
        "agency": sop["agency"], "agency_name": agency_names.get(sop["agency"], sop["agency"]),
        "category": sop.get("category", ""),
        "category_label": sop.get("category_label") or sop.get("category", ""),
        "requirements": list(sop.get("requirements", [])),
        "steps": sop.get("steps", 0), "total_time": sop.get("total_time", ""),
        "standard_url": f"/api/v1/{service}/sops/{key}/standard",
    }


async def _fetch(runtime: GatewayRuntime, service: str, client: httpx.AsyncClient
                 ) -> list[dict[str, Any]] | str:
    """The service's SOP summaries, or the reason it is unavailable."""
    limit = runtime.settings.connect_timeout_s + runtime.settings.read_timeout_s
    try:
        response = await asyncio.wait_for(
            client.get("/sops", headers={"accept": "application/json"}), limit)
    except (TimeoutError, httpx.TimeoutException):
        return "timeout"
    except httpx.TransportError:
        return "unreachable"
    if response.status_code != 200:
        return f"status-{response.status_code}"
    try:
        data = response.json()
    except ValueError:
        return "invalid-response"
    return data if isinstance(data, list) else "invalid-response"


async def fetch_all(runtime: GatewayRuntime) -> Merged:
    names = {k: a.name for k, a in load_registry().agencies.items()}
    services = list(runtime.clients)
    results = await asyncio.gather(*(_fetch(runtime, s, runtime.clients[s]) for s in services))
    entries: list[dict[str, Any]] = []
    unavailable: list[dict[str, str]] = []
    for service, result in zip(services, results, strict=True):
        if isinstance(result, str):
            log.warning("catalog: service unavailable", extra={"upstream": service,
                                                               "reason": result})
            unavailable.append({"service": service, "reason": result})
            continue
        entries += [_entry(service, sop, names) for sop in result]
    entries.sort(key=lambda e: (e["title"].lower(), e["service"], e["key"]))
    return Merged(entries=entries, unavailable=unavailable, fetched_at=time.monotonic())


async def merged_catalog(runtime: GatewayRuntime) -> Merged:
    cache: CatalogCache = runtime.state.setdefault("catalog", CatalogCache())
    async with cache.lock:
        current = cache.merged
        if current is not None:
            ttl = PARTIAL_TTL_S if current.unavailable else CACHE_TTL_S
            if time.monotonic() - current.fetched_at < ttl:
                return current
        cache.merged = await fetch_all(runtime)
        return cache.merged
