"""``GET /asyncapi.yaml`` and ``GET /asyncapi.json``: the event contract (AsyncAPI 3.0) next
to ``/openapi.json``, public like it. The document is made from the code
(:mod:`shared.events.asyncapi`), so it is the one ``docs/events/asyncapi.yaml`` holds."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Response

from shared.events.asyncapi import as_json, as_yaml

router = APIRouter(include_in_schema=False)
CACHE = {"Cache-Control": "public, max-age=300"}


@cache
def _yaml() -> bytes:
    return as_yaml().encode()


@cache
def _json() -> bytes:
    return as_json().encode()


@router.get("/asyncapi.yaml")
async def asyncapi_yaml() -> Response:
    return Response(_yaml(), media_type="application/yaml", headers=CACHE)


@router.get("/asyncapi.json")
async def asyncapi_json() -> Response:
    return Response(_json(), media_type="application/json", headers=CACHE)
