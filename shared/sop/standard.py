"""The service standard (standar pelayanan) of an SOP, generated from its definition.

The same definition that runs the flow gives the page citizens read: requirements,
procedure (the steps), total standard time along the main path, cost (free unless the SOP
names a fee), product and complaint channel (Permenpan RB 15/2014 components).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from shared.registry import Registry
from shared.sop.categories import category_label
from shared.sop.model import SopDefinition, Step

FREE = "Tidak dipungut biaya (gratis)"
DEFAULT_COMPLAINT = ("Kanal pengaduan aplikasi Halo Lamsel, SP4N-LAPOR! (lapor.go.id), atau "
                     "langsung ke unit layanan")
_UNIT_LABEL = {"minute": "menit", "hour": "jam", "working_day": "hari kerja", "day": "hari",
               "week": "minggu", "month": "bulan", "elapsed_hour": "jam (24 jam)",
               "same_working_day": "hari kerja yang sama"}


def main_path(sop: SopDefinition) -> list[Step]:
    """Steps from the start along the first forward action to a completion."""
    path: list[Step] = []
    seen: set[str] = set()
    step: Step | None = sop.start
    while step is not None and step.id not in seen:
        seen.add(step.id)
        path.append(step)
        # The step's first forward action that does not end the case unfavourably; a
        # shortcut to @completed further down the list (e.g. a quick answer) is not the
        # procedure the text lays out.
        nxt = next((a for a in step.actions if a.kind == "forward" and a.to
                    and a.to not in ("@rejected", "@archived")), None)
        if nxt is None or nxt.to is None or nxt.to.startswith("@") or nxt.to in seen:
            break
        step = sop.step(nxt.to)
    return path


def total_time(sop: SopDefinition) -> dict[str, Any]:
    """Sum of standard times on the main path, per unit, with a readable label."""
    minutes = 0
    others: dict[str, int] = defaultdict(int)
    untimed = 0
    for step in main_path(sop):
        std = step.standard_time()
        if std is None:
            untimed += 1
        elif std.unit == "minute":
            minutes += std.amount
        elif std.unit == "hour":
            minutes += 60 * std.amount
        else:
            others[std.unit] += std.amount
    parts = [_UNIT_LABEL[u] if u == "same_working_day" else f"{n} {_UNIT_LABEL[u]}"
             for u, n in sorted(others.items())]
    if minutes:
        hours, rest = divmod(minutes, 60)
        parts.append(" ".join(p for p in (f"{hours} jam" if hours else "",
                                           f"{rest} menit" if rest else "") if p))
    return {"label": " + ".join(parts) or "-", "office_minutes": minutes,
            "other": dict(others), "untimed_steps": untimed,
            "stated": sop.standard.stated_total_time}


def _agency_name(registry: Registry | None, agency: str) -> str:
    info = registry.agencies.get(agency) if registry else None
    return info.name if info else agency


def _role_label(registry: Registry | None, agency: str, role: str) -> str:
    info = registry.role_info(agency, role) if registry else None
    return info.label if info else role


def service_standard(sop: SopDefinition, registry: Registry | None = None) -> dict[str, Any]:
    """The service standard (requirements, procedure, time, cost, product, complaints);
    with ``registry``, agencies and roles also carry their names for people to read."""
    std = sop.standard
    return {
        "key": sop.key, "version": sop.version, "title": sop.title, "agency": sop.agency,
        "agency_name": _agency_name(registry, sop.agency),
        "category": sop.category, "category_label": category_label(sop.category),
        "calendar": sop.calendar,
        "legal_basis": list(std.legal_basis),
        "requirements": {
            "documents": [{"key": d.key, "label": d.label, "required": d.required}
                          for d in sop.documents],
            "form": [{"name": f.name, "label": f.label, "type": f.type, "required": f.required}
                     for f in sop.form],
        },
        "procedure": [{
            "nomor": s.nomor, "id": s.id, "actor": s.actor,
            "actor_label": _role_label(registry, s.agency or sop.agency, s.actor),
            "agency": s.agency or sop.agency,
            "agency_name": _agency_name(registry, s.agency or sop.agency),
            "kind": s.kind, "activity": s.activity, "documents": list(s.documents),
            "time": s.time, "time_from": s.time_from, "time_printed": s.time_printed,
            "output": s.output,
            "note": s.note, "institution": s.institution,
            "actions": [{"name": a.name, "label": a.label or a.name, "kind": a.kind,
                         "to": a.to, "deadline": a.deadline} for a in s.actions],
        } for s in sop.steps],
        "total_time": total_time(sop),
        "cost": std.cost or FREE,
        "product": std.product or (sop.steps[-1].output if sop.steps else None),
        "complaint_channel": std.complaint_channel or DEFAULT_COMPLAINT,
        "service_hours": std.service_hours,
        "readings": list(sop.readings),
    }
