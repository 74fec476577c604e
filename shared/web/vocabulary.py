"""One vocabulary for the services and the gateway, and the old names kept one release.

The services and the gateway once named the same things differently (a case's ``id`` and
``case_id``, ``late`` and ``overdue``, a history entry's ``event``/``step_id`` and a timeline
entry's ``type``/``step``). The new names are the ones below; each old field stays next to
its new one, carries the same value and is marked ``deprecated: true`` in the OpenAPI
document, until the next release removes it (docs/api.md, "Names").

A response model declares its pairs with :func:`renamed` (old -> new): it may be built with
either name, the other is filled with the same value, and two different values are refused.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

FIELDS: dict[str, str] = {
    "id": "case_id",
    "late": "overdue",
    "event": "type",
    "step_id": "step",
    "next_step_id": "next_step",
}
"""Old field name -> new one. ``id`` is old only on a case (elsewhere an object's own id)."""
SCHEMAS: dict[str, str] = {"CasePage": "TrackedCasePage"}
"""Old schema name in the gateway's merged document -> the schema it now points to. A
service's page of cases is ``ServiceCasePage``, the gateway's page of tracked cases
``TrackedCasePage``."""
SERVICE_SCHEMAS: dict[str, str] = {"CasePage": "ServiceCasePage"}
"""The same in a service's own document, where ``CasePage`` was the service's page."""
NEW_SCHEMAS = ("ServiceCasePage", "TrackedCasePage")
REMOVAL = "removed in the next release"


def with_old_schema_names(spec: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """``spec`` with each old schema name (key) as a deprecated alias of its new schema."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, new in aliases.items():
        if new not in schemas:
            continue
        if name in schemas:
            raise ValueError(f"{name} is the old name of {new} and may not be reused")
        schemas[name] = {"$ref": f"#/components/schemas/{new}", "deprecated": True,
                         "description": f"Deprecated: the old name of `{new}`; {REMOVAL}."}
    return spec


def old(new: str) -> Any:
    """The field declaration of an old name: deprecated, pointing to the new one."""
    return Field(deprecated=f"Use `{new}`; {REMOVAL}.",
                 description=f"Deprecated: the same value as `{new}`; {REMOVAL}.")


def renamed(pairs: dict[str, str]) -> Any:
    """A model validator carrying each old name (key) next to its new one (value):
    ``mirror_names = renamed({"late": "overdue"})`` in the model's body."""

    def mirror(cls: type, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for old_name, new_name in pairs.items():
            if new_name in data and old_name in data and data[new_name] != data[old_name]:
                raise ValueError(f"{old_name} and {new_name} differ")
            if new_name in data:
                data[old_name] = data[new_name]
            elif old_name in data:
                data[new_name] = data[old_name]
        return data

    return model_validator(mode="before")(classmethod(mirror))  # type: ignore[arg-type]
