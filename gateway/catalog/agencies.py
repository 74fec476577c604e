"""``GET /api/v1/agencies`` and ``GET /api/v1/agencies/{agency}``: the agencies of the registry,
one with its roles and their labels, for front ends (an agency admin's role picker, a
report's headings).

Public and read-only: the registry ships with the code and names no person.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.registry import load_registry
from shared.web.problems import ProblemError

router = APIRouter(prefix="/api/v1/agencies", tags=["catalog"])

IMPLICIT_LABELS = {"admin": "Admin Instansi", "integrasi": "Akun Integrasi Sistem"}
"""Labels of the roles every agency has (the registry's vocabulary lists SOP actors only)."""


class AgencyRole(BaseModel):
    key: str
    """The role as it follows ``<agency>:`` in a token's roles."""
    label: str
    supervisor: str | None
    """The role told when a step of this role is late, within the agency (none at the top)."""
    assignable: bool
    """Whether the agency's admin may give it to an officer (every role but ``admin``)."""


class Agency(BaseModel):
    key: str
    name: str
    short: str
    roles: list[AgencyRole]
    """The roles the agency's SOPs name, its own roles, then ``admin`` and ``integrasi``."""


class AgencyBrief(BaseModel):
    key: str
    name: str
    short: str


@router.get("", response_model=list[AgencyBrief])
async def agency_list() -> list[AgencyBrief]:
    """Every agency (Perangkat Daerah) of the registry, by name: a front end's agency choice."""
    registry = load_registry()
    return sorted((AgencyBrief(key=key, name=info.name, short=info.short)
                   for key, info in registry.agencies.items()), key=lambda a: a.name)


@router.get("/{agency}", response_model=Agency)
async def agency_info(agency: str) -> Agency:
    """One agency (Perangkat Daerah) of the registry and its roles; 404 for an unknown one."""
    registry = load_registry()
    info = registry.agencies.get(agency)
    if info is None:
        raise ProblemError(404, "not-found")
    roles = []
    for role in registry.agency_roles(agency):
        known = registry.role_info(agency, role)
        label = known.label if known else IMPLICIT_LABELS.get(role, role)
        roles.append(AgencyRole(key=role, label=label,
                                supervisor=registry.supervisor(agency, role),
                                assignable=role != "admin"))
    return Agency(key=agency, name=info.name, short=info.short, roles=roles)
