"""Print the gateway's OpenAPI document (JSON) without starting a server.

``npm run gen:api`` runs this with the project's venv and feeds the result to
openapi-typescript. The gateway app is built but its lifespan never runs (no database, no
bus). While the gateway's document does not yet carry the service paths, the generic routes
every service shares are folded in once, under ``/api/v1/{service}``, so that the web app's
types still come from a spec; service schemas whose names the gateway already uses get a
``Service`` prefix.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

SERVICE_PREFIX = "/api/v1/{service}"


def _has_service_paths(spec: dict[str, Any], services: tuple[str, ...]) -> bool:
    prefixes = (*(f"/api/v1/{s}/" for s in services), SERVICE_PREFIX + "/")
    return any(p.startswith(prefixes) for p in spec.get("paths", {}))


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                out[key] = f"#/components/schemas/{renames.get(name, name)}"
            else:
                out[key] = _rename_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def _fold_service(spec: dict[str, Any], service_spec: dict[str, Any]) -> None:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    theirs = service_spec.get("components", {}).get("schemas", {})
    renames = {n: f"Service{n}" for n in theirs if n in schemas and schemas[n] != theirs[n]}
    for name, body in theirs.items():
        schemas.setdefault(renames.get(name, name), _rename_refs(body, renames))
    service_param = {"name": "service", "in": "path", "required": True,
                     "schema": {"type": "string"}}
    for path, item in service_spec.get("paths", {}).items():
        if path in ("/healthz", "/readyz"):
            continue
        item = _rename_refs(item, renames)
        for operation in item.values():
            operation["parameters"] = [service_param, *operation.get("parameters", [])]
        spec["paths"][SERVICE_PREFIX + path] = item


def main() -> int:
    os.environ.setdefault("HALO_VAR_DIR", tempfile.mkdtemp(prefix="halo-openapi-"))
    from gateway.app import create_gateway_app
    from gateway.settings import SERVICES

    spec = create_gateway_app().openapi()
    if not _has_service_paths(spec, tuple(SERVICES)):
        import importlib

        from shared.settings import ServiceSettings

        module = importlib.import_module("services.dukcapil.app")
        service_app = module.create_app(ServiceSettings.from_env("dukcapil"))
        _fold_service(spec, service_app.openapi())
    json.dump(spec, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
