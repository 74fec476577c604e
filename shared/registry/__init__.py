"""The registry of agencies (Perangkat Daerah) and the roles their SOPs name.

Officer roles in tokens are ``<agency>:<role>`` with both keys taken from here. Every
agency also has the roles ``admin`` (the agency's administrator: publishes SOPs, manages
officers) and ``integrasi`` (a system account of the agency's existing systems, which
completes external steps by callback). The data lives beside this file: ``roles.yaml`` (the
platform-wide role vocabulary) and ``agencies/<agency>.yaml`` (one file per agency, with the
roles it uses and any roles of its own).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

IMPLICIT_ROLES = ("admin", "integrasi")
_DATA = Path(__file__).parent


class RoleInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str
    supervisor: str | None = None
    applicant: bool = False


class AgencyInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    short: str
    roles: tuple[str, ...] = ()
    local_roles: dict[str, RoleInfo] = {}
    """Roles only this agency has (e.g. ``petugas_pemadam``), with their supervisors."""
    escalation: dict[str, str] = {}
    """Per-agency supervisor overrides: role -> the role told when its step is late."""


class Registry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    roles: dict[str, RoleInfo]
    agencies: dict[str, AgencyInfo]

    def agency_roles(self, agency: str) -> tuple[str, ...]:
        info = self.agencies.get(agency)
        return (*info.roles, *info.local_roles, *IMPLICIT_ROLES) if info else ()

    def role_info(self, agency: str, role: str) -> RoleInfo | None:
        info = self.agencies.get(agency)
        if info and role in info.local_roles:
            return info.local_roles[role]
        return self.roles.get(role)

    def is_known(self, agency: str, role: str) -> bool:
        return role in self.agency_roles(agency)

    def supervisor(self, agency: str, role: str) -> str | None:
        """The role a late step of ``role`` escalates to, within ``agency``."""
        info = self.agencies.get(agency)
        if info and role in info.escalation:
            return info.escalation[role]
        seen: set[str] = set()
        current = role
        while current not in seen:
            seen.add(current)
            role_info = self.role_info(agency, current)
            nxt = role_info.supervisor if role_info else None
            if nxt is None:
                return None
            if info is None or nxt in self.agency_roles(agency):
                return nxt
            current = nxt
        return None

    def scopes(self) -> list[str]:
        """Every ``<agency>:<role>`` scope an officer account may hold."""
        return [f"{a}:{r}" for a in sorted(self.agencies) for r in self.agency_roles(a)]


def build_registry(roles: dict[str, object], agencies: dict[str, object]) -> Registry:
    """A registry from plain data; every role an agency lists must be defined."""
    registry = Registry.model_validate({"roles": roles, "agencies": agencies})
    for key, agency in registry.agencies.items():
        unknown = [r for r in agency.roles if r not in registry.roles]
        if unknown:
            raise ValueError(f"instansi {key}: peran tidak dikenal {unknown}")
        for role, info in agency.local_roles.items():
            sup = info.supervisor
            if sup and sup not in registry.roles and sup not in agency.local_roles:
                raise ValueError(f"instansi {key}: atasan '{sup}' dari '{role}' tidak dikenal")
    return registry


@cache
def load_registry(folder: Path = _DATA) -> Registry:
    """The registry from ``roles.yaml`` and ``agencies/*.yaml`` (read once per process)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
    roles = yaml.load((folder / "roles.yaml").read_text(encoding="utf-8"), Loader=loader) or {}
    agencies: dict[str, object] = {}
    for path in sorted((folder / "agencies").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        agencies[path.stem] = data
    try:
        return build_registry(roles, agencies)
    except ValueError as exc:
        raise ValueError(f"registri instansi ({folder}): {exc}") from None
