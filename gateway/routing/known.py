"""The routes of the known services, matched before every other part's routes.

Every request under ``/api/v1/<service>/`` used to be tried against each route of the API
parts before reaching the routing part's catch-all (it comes after them so as not to shadow
them); on the gateway that matching cost about a fifth of the gateway's CPU per proxied
request. These routes accept only the names in :data:`gateway.settings.SERVICES` (no gateway
route lives under a service's name), so they can come first and shadow nothing; an unknown
name still falls through to the catch-all of :mod:`gateway.routing.part` (404
``service-not-found``). Same handler, same behaviour.
"""

from __future__ import annotations

import re

from fastapi import APIRouter
from starlette.convertors import Convertor, register_url_convertor

from gateway.routing.part import METHODS, route_to_service, stop
from gateway.runtime import GatewayPart
from gateway.settings import SERVICES


class ServiceName(Convertor[str]):
    """A path segment that is one of the known service names."""

    regex = "(?:" + "|".join(re.escape(s) for s in SERVICES) + ")"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("halo_service", ServiceName())

router = APIRouter(tags=["routing"])
router.add_api_route("/api/v1/{service:halo_service}", route_to_service, methods=METHODS,
                     include_in_schema=False, name="route_to_known_service")
router.add_api_route("/api/v1/{service:halo_service}/{path:path}", route_to_service,
                     methods=METHODS, include_in_schema=False,
                     name="route_to_known_service_path")

PART = GatewayPart(name="routing-known", router=router, stop=stop)
