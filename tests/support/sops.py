"""Helpers to drive SOP definitions in tests: all shipped definitions, valid sample forms,
and the principal a step names."""

from __future__ import annotations

from collections import deque
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.engine.state import Principal
from shared.engine.submission import is_kk_field
from shared.registry import load_registry
from shared.sop.loader import load_sop_folder
from shared.sop.model import FormField, SopDefinition, Step

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")
APPLICANT = Principal(subject="warga-uji", roles=frozenset({"citizen"}))

_SAMPLES: dict[str, Any] = {
    "string": "Contoh isian", "text": "Uraian contoh permohonan.", "integer": 3,
    "number": 12.5, "date": "2026-05-04", "boolean": True, "nik": "1801014505900001",
    "phone": "+6281234567890", "email": "warga@example.id",
}
KK_SAMPLE = "1801012202200003"
"""A KK number of Lampung Selatan recorded on 22 February 2020 (no sex offset on the day)."""


def sample_value(spec: FormField) -> Any:
    """A valid value of one field: its first choice, a KK number for a KK field."""
    if spec.type == "choice":
        return spec.choices[0]
    return KK_SAMPLE if is_kk_field(spec) else _SAMPLES[spec.type]


@cache
def all_sops() -> dict[str, list[SopDefinition]]:
    registry = load_registry()
    return {s: load_sop_folder(ROOT / "services" / s / "sops", registry, s) for s in SERVICES}


def _nik_born(born: date) -> str:
    """A Lampung Selatan NIK of a boy born on ``born``."""
    return f"180101{born.day:02d}{born.month:02d}{born.year % 100:02d}0001"


def dated_samples(sop_key: str) -> dict[str, Any]:
    """Values a Disdukcapil SOP checks against the day (services/dukcapil/domain_checks.py):
    a child whose NIK and birth date agree and whose age (today, Asia/Jakarta) is in the
    SOP's band: 2 years for KIA 0-5, 8 for KIA 5-17, 10 days or a year for the akta."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    two, eight = date(today.year - 2, 1, 1), date(today.year - 8, 1, 1)
    samples: dict[str, dict[str, Any]] = {
        "dukcapil-kia-0-5-tahun": {"nik_anak": _nik_born(two),
                                   "tanggal_lahir_anak": two.isoformat()},
        "dukcapil-kia-5-17-tahun": {"nik_anak": _nik_born(eight),
                                    "tanggal_lahir_anak": eight.isoformat()},
        "dukcapil-akta-kelahiran-1-60-hari": {
            "tanggal_lahir_anak": (today - timedelta(days=10)).isoformat()},
        "dukcapil-akta-kelahiran-lebih-60-hari": {
            "tanggal_lahir_anak": date(today.year - 1, 1, 1).isoformat()},
    }
    return samples.get(sop_key, {})


def sample_form(sop: SopDefinition) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for spec in sop.form:
        form[spec.name] = sample_value(spec)
    form.update({k: v for k, v in dated_samples(sop.key).items() if k in form})
    return form


def required_documents(sop: SopDefinition) -> list[str]:
    return [d.key for d in sop.documents if d.required]


def action_inputs(sop: SopDefinition, step_id: str, action: str
                  ) -> tuple[dict[str, Any] | None, list[str]]:
    """Sample values of every field an officer action declares and the keys of its required
    documents (``(None, [])`` for an action that takes none): what a walker brings."""
    chosen = sop.step(step_id).action(action) if sop.has_step(step_id) else None
    if chosen is None or not chosen.has_inputs:
        return None, []
    form = {f.name: sample_value(f) for f in chosen.input_fields}
    return form or None, [d.key for d in chosen.input_documents if d.required]


def engine_inputs(sop: SopDefinition, step_id: str, action: str) -> dict[str, Any]:
    """``form``/``documents`` keyword arguments of ``SopEngine.act`` for an officer action."""
    form, documents = action_inputs(sop, step_id, action)
    return {"form": form, "documents": documents}


def action_files(sop: SopDefinition, step_id: str, action: str
                 ) -> dict[str, tuple[str, bytes, str]]:
    """A small PDF for each required document of an officer action (multipart ``files``)."""
    _, keys = action_inputs(sop, step_id, action)
    return {k: (f"{k}.pdf", b"%PDF-1.4 berkas petugas " + k.encode(), "application/pdf")
            for k in keys}


def actor_for(sop: SopDefinition, step: Step) -> Principal:
    if step.kind == "applicant":
        return APPLICANT
    agency = step.agency or sop.agency
    return Principal(subject=f"petugas-{agency}-{step.actor}",
                     roles=frozenset({f"{agency}:{step.actor}"}))


def route_to(sop: SopDefinition, target: str) -> list[tuple[str, str]]:
    """Shortest list of (step, forward action) from the start that reaches ``target``."""
    prev: dict[str, tuple[str, str] | None] = {sop.start.id: None}
    queue = deque([sop.start.id])
    while queue:
        current = queue.popleft()
        if current == target:
            break
        for action in sop.step(current).actions:
            nxt = action.to if action.kind == "forward" else None
            if nxt and not nxt.startswith("@") and nxt not in prev:
                prev[nxt] = (current, action.name)
                queue.append(nxt)
    path: list[tuple[str, str]] = []
    node = target
    while prev.get(node) is not None:
        step, action = prev[node]  # type: ignore[misc]
        path.append((step, action))
        node = step
    return list(reversed(path))


def branches(sop: SopDefinition) -> list[tuple[str, str]]:
    """Every (step, action) pair of the definition: the main path and each branch."""
    return [(s.id, a.name) for s in sop.steps for a in s.actions]


def spot_sop(service: str, key: str) -> SopDefinition:
    """One shipped definition, loaded and validated as at start-up (for spot checks)."""
    from shared.sop.loader import load_sop_file

    return load_sop_file(ROOT / "services" / service / "sops" / f"{key}.yaml", load_registry(),
                         service)


def step_table(sop: SopDefinition) -> list[tuple[int | None, str, str, str | None]]:
    """(nomor, actor, kind, time) of every step, in order."""
    return [(s.nomor, s.actor, s.kind, s.time) for s in sop.steps]


def step_routes(sop: SopDefinition, step_id: str) -> dict[str, object]:
    """Where each action of a step leads: its target, or ("return", deadline, resume_at)."""
    out: dict[str, object] = {}
    for a in sop.step(step_id).actions:
        out[a.name] = a.to if a.kind == "forward" else ("return", a.deadline, a.resume_at)
    return out
