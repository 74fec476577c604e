"""Checks of what officer actions declare they take: form fields and documents.

An officer action (a step of kind ``officer`` or ``external``) may declare ``fields`` the
officer fills and ``documents`` the officer attaches (:class:`shared.sop.model.Action`). A
definition is refused when such inputs stand where nobody could bring them (an applicant or
automatic step, a return), when a name repeats within an action, when an officer document
reuses the key of one of the applicant's documents, or when one key is declared twice with a
different meaning. :func:`input_problems` lists every problem as (step id, message).
"""

from __future__ import annotations

from shared.documents.types import KNOWN_TYPES
from shared.sop.model import Action, ActionDocument, FormField, SopDefinition, Step


def _repeated(names: list[str]) -> list[str]:
    return sorted({n for n in names if names.count(n) > 1})


def document_type_problems(key: str, types: tuple[str, ...] | None) -> list[str]:
    """What is wrong with a document's ``types`` list (none given: nothing)."""
    if types is None:
        return []
    if not types:
        return [f"dokumen '{key}': daftar jenis berkas (types) tidak boleh kosong"]
    return [f"dokumen '{key}': jenis berkas '{t}' tidak dikenal; pilih dari: "
            f"{', '.join(KNOWN_TYPES)}" for t in types if t not in KNOWN_TYPES]


def _field_problems(what: str, spec: FormField) -> list[str]:
    if spec.type == "choice" and not spec.choices:
        return [f"{what}: isian '{spec.name}' bertipe choice harus punya choices"]
    if spec.type != "choice" and spec.choices:
        return [f"{what}: isian '{spec.name}' punya choices tetapi bukan bertipe choice"]
    return []


def _action_problems(sop: SopDefinition, step: Step, action: Action) -> list[str]:
    what = f"aksi '{action.name}'"
    out: list[str] = []
    if step.kind not in ("officer", "external"):
        out.append(f"{what}: isian dan dokumen aksi hanya untuk langkah petugas/eksternal "
                   "(pemohon memakai form dan documents SOP)")
    if action.kind == "return":
        out.append(f"{what}: aksi kind: return tidak menerima isian atau dokumen petugas "
                   "(yang diminta dari pemohon ditulis pada requested)")
    for dup in _repeated([f.name for f in action.input_fields]):
        out.append(f"{what}: isian '{dup}' ditulis lebih dari sekali")
    for dup in _repeated([d.key for d in action.input_documents]):
        out.append(f"{what}: dokumen '{dup}' ditulis lebih dari sekali")
    own = {d.key for d in sop.documents}
    for doc in action.input_documents:
        if doc.key in own:
            out.append(f"{what}: dokumen '{doc.key}' sudah dipakai untuk dokumen pemohon; "
                       "beri dokumen petugas kunci lain")
        out += [f"{what}: {m}" for m in document_type_problems(doc.key, doc.types)]
    for spec in action.input_fields:
        out += _field_problems(what, spec)
    return out


def input_problems(sop: SopDefinition) -> list[tuple[str, str]]:
    """Every problem of the officer inputs ``sop`` declares, as (step id, message)."""
    out: list[tuple[str, str]] = []
    first: dict[str, tuple[str, ActionDocument]] = {}
    for step in sop.steps:
        for action in step.actions:
            if not action.has_inputs:
                continue
            out += [(step.id, m) for m in _action_problems(sop, step, action)]
            for doc in action.input_documents:
                where = f"{step.id}.{action.name}"
                seen = first.setdefault(doc.key, (where, doc))
                if seen[1] != doc:
                    out.append((step.id, f"aksi '{action.name}': dokumen '{doc.key}' berbeda "
                                f"dari dokumen berkunci sama pada {seen[0]}"))
    return out
