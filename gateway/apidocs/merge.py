"""The gateway's OpenAPI document extended with every service's operations.

The gateway forwards ``/api/v1/<service>/<path>`` to the service (``gateway.routing``); the
catch-all route itself is hidden from the document. Each service's operations come from its
own app's ``openapi()`` (the app is built, never started: no lifespan, no database), with:

* paths under ``/api/v1/<service>`` and the service's ``servers`` entry dropped;
* ``operationId`` prefixed with the service (``dukcapil_open_case``), tags = the service;
* ``components.schemas`` merged without collisions: a schema every service defines the same
  way (and whose references are shared too) is kept once; one that differs between services
  is named ``<Service><Name>`` (``PajakNopOut``); a shared one that differs from the gateway's
  schema of that name is named ``Service<Name>``; a service schema whose merged name is
  already taken by a different schema is an error (:class:`SchemaClash`), never dropped;
* the deprecated old schema names of :data:`shared.web.vocabulary.SCHEMAS` kept as aliases
  (``CasePage`` -> ``TrackedCasePage``) until the next release; the services' own aliases
  (``CasePage`` -> ``ServiceCasePage`` in a service's document) are left out.

Service apps are imported by name, as all-in-one does: the gateway imports no service
statically. A service whose code is not installed is left out of the document, with a log line.
"""

from __future__ import annotations

import copy
import importlib
import json
import logging
from typing import Any

from gateway.settings import SERVICES
from shared.web.openapi import Spec, operations
from shared.web.vocabulary import SCHEMAS, SERVICE_SCHEMAS, with_old_schema_names

log = logging.getLogger("halo.gateway.apidocs")
REF = "#/components/schemas/"


class SchemaClash(ValueError):
    """Two different schemas would get one name in the merged document."""


def service_specs(names: tuple[str, ...] = SERVICES) -> dict[str, Spec]:
    """Each service's own finished document, from its app factory."""
    specs: dict[str, Spec] = {}
    for name in names:
        try:
            module = importlib.import_module(f"services.{name}.app")
        except ImportError:
            log.warning("service not installed: left out of the OpenAPI document",
                        extra={"service": name})
            continue
        specs[name] = module.create_app().openapi()
    return specs


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"][len(REF):]} if isinstance(node.get("$ref"), str) \
            and node["$ref"].startswith(REF) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _renamed(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (REF + names.get(v[len(REF):], v[len(REF):])
                    if k == "$ref" and isinstance(v, str) and v.startswith(REF)
                    else _renamed(v, names)) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    return node


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def schema_names(gateway: dict[str, Any], services: dict[str, Spec]
                 ) -> dict[str, dict[str, str]]:
    """``service -> {its schema name -> the name in the merged document}``."""
    defined: dict[str, dict[str, Any]] = {}
    for service, spec in services.items():
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            defined.setdefault(name, {})[service] = schema
    shared = {n for n, by in defined.items()
              if all(_same(s, next(iter(by.values()))) for s in by.values())}
    changed = True
    while changed:  # shared only if everything it refers to is shared too
        changed = False
        for name in list(shared):
            if not _refs(next(iter(defined[name].values()))) <= shared:
                shared.discard(name)
                changed = True
    common: dict[str, str] = {}
    for name in shared:
        schema = next(iter(defined[name].values()))
        common[name] = name if name not in gateway or _same(gateway[name], schema) \
            else f"Service{name}"
    return {service: {name: common.get(name, f"{service.capitalize()}{name}")
                      for name in spec.get("components", {}).get("schemas", {})}
            for service, spec in services.items()}


def merge(gateway_spec: Spec, services: dict[str, Spec]) -> Spec:
    """The gateway's document with each service's operations under its public prefix."""
    merged = copy.deepcopy(gateway_spec)
    services = {name: _without_old_names(spec) for name, spec in services.items()}
    components = merged.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    names = schema_names(schemas, services)
    tags = merged.setdefault("tags", [])
    named = {t["name"] for t in tags}
    for _, _, op in operations(merged):  # the gateway's own groups first, as they appear
        for tag in op.get("tags", []):
            if tag not in named:
                named.add(tag)
                tags.append({"name": tag})
    for service, spec in services.items():
        mapping = names[service]
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            moved_schema = _renamed(schema, mapping)
            taken = schemas.setdefault(mapping[name], moved_schema)
            if not _same(taken, moved_schema):
                raise SchemaClash(f"{service}'s schema {name} would be named "
                                  f"{mapping[name]}, which another schema already is")
        for kind in ("securitySchemes", "responses"):  # the same in every process
            for key, value in spec.get("components", {}).get(kind, {}).items():
                components.setdefault(kind, {}).setdefault(key, value)
        prefix = f"/api/v1/{service}"
        for path, _method, op in operations(spec):
            item = merged.setdefault("paths", {}).setdefault(prefix + path, {})
            moved = _renamed(op, mapping)
            moved["operationId"] = f"{service}_{op['operationId']}"
            moved["tags"] = [service]
            item[_method] = moved
        for path, item in spec.get("paths", {}).items():
            shared_params = item.get("parameters")
            if shared_params:
                merged["paths"][prefix + path]["parameters"] = _renamed(shared_params, mapping)
        title = spec.get("info", {}).get("title", service)
        tags.append({"name": service, "description": f"{title}: `{prefix}/...` (diteruskan "
                                                     "gateway ke layanan)"})
    with_old_schema_names(merged, SCHEMAS)
    return merged


def _without_old_names(spec: Spec) -> Spec:
    """A service's document without its deprecated schema aliases (the merged document has
    its own: there ``CasePage`` was the gateway's page)."""
    schemas = spec.get("components", {}).get("schemas", {})
    if not any(name in schemas for name in SERVICE_SCHEMAS):
        return spec
    spec = copy.copy(spec)
    spec["components"] = {**spec["components"], "schemas": {
        n: s for n, s in schemas.items() if n not in SERVICE_SCHEMAS}}
    return spec
