"""Checks that an SOP definition is a coherent, executable flow.

Used both at start-up (a bad file stops the process with a clear message) and when an
agency admin publishes a definition through the API (every problem is listed). Each
problem names the SOP and, where it applies, the step and action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shared.calendar.standard_time import StandardTimeError, parse_standard_time
from shared.registry import Registry
from shared.sop.categories import CATEGORIES
from shared.sop.inputs import document_type_problems, input_problems
from shared.sop.model import APPLICANT_ROLE, TERMINALS, OutputSpec, SopDefinition, Step

RESERVED_ACTIONS = frozenset({"lengkapi", "batalkan"})
"""Actions the engine itself offers (resubmit, withdraw); a definition may not reuse them."""


@dataclass(frozen=True)
class Problem:
    """One problem; a schema problem also names its ``field`` and a field-problem ``code``
    (with ``params``) so an API answer can say it in the caller's language."""

    sop: str
    step: str | None
    message: str
    field: str | None = None
    code: str | None = None
    params: dict[str, Any] | None = None

    def __str__(self) -> str:
        where = f"SOP {self.sop}" + (f", langkah {self.step}" if self.step else "")
        return f"{where}: {self.message}"


class SopValidationError(ValueError):
    """One or more problems in a definition; ``source`` names the file when there is one."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(str(p) for p in problems))


def _time_problem(text: str | None, what: str | None) -> str | None:
    """The problem with a standard time, prefixed with ``what`` when it is not the step's."""
    if text is None:
        return None
    try:
        std = parse_standard_time(text)
    except StandardTimeError as exc:
        return f"{what}: {exc}" if what else str(exc)
    if std.amount <= 0:
        return f"{what} '{text}' harus lebih dari nol"
    return None


def _step_problems(sop: SopDefinition, step: Step, registry: Registry) -> list[str]:
    out: list[str] = []
    ids = {s.id for s in sop.steps}
    if not step.actions:
        out.append("langkah tanpa aksi; setiap langkah harus punya aksi menuju langkah lain "
                   "atau hasil akhir (@completed/@rejected/@archived)")
    names = [a.name for a in step.actions]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        out.append(f"aksi '{dup}' ditulis lebih dari sekali")
    for action in step.actions:
        if action.name in RESERVED_ACTIONS:
            out.append(f"aksi '{action.name}' dipakai oleh platform")
        if action.kind == "forward":
            if action.resume_at or action.deadline:
                out.append(f"aksi '{action.name}': resume_at dan deadline hanya untuk aksi "
                           "kind: return")
            if not action.to:
                out.append(f"aksi '{action.name}' tidak punya tujuan (to)")
            elif action.to.startswith("@") and action.to not in TERMINALS:
                out.append(f"aksi '{action.name}': hasil akhir '{action.to}' tidak dikenal")
            elif not action.to.startswith("@") and action.to not in ids:
                out.append(f"aksi '{action.name}' menuju langkah '{action.to}' yang tidak ada")
        else:
            if step.kind == "applicant":
                out.append(f"aksi '{action.name}': langkah pemohon tidak bisa mengembalikan berkas")
            if action.resume_at and action.resume_at not in ids:
                out.append(f"aksi '{action.name}' melanjutkan ke langkah '{action.resume_at}' "
                           "yang tidak ada")
            if problem := _time_problem(action.deadline, f"batas waktu aksi '{action.name}'"):
                out.append(problem)
    if step.kind == "applicant":
        if step.actor != APPLICANT_ROLE:
            out.append(f"langkah pemohon harus berperan '{APPLICANT_ROLE}', bukan '{step.actor}'")
    else:
        agency = step.agency or sop.agency
        if agency not in registry.agencies:
            out.append(f"instansi '{agency}' tidak ada di registri")
        elif not registry.is_known(agency, step.actor):
            out.append(f"peran '{step.actor}' tidak terdaftar untuk instansi '{agency}'")
        if step.kind in ("officer", "external") and step.time is None \
                and not (step.time_printed and step.time_reading):
            # (a step the text gives no time may go without one, when time_printed and
            # time_reading record that and why)
            out.append("langkah petugas/eksternal harus punya waktu standar")
    if step.kind == "automatic" and (len(step.actions) != 1 or step.actions[0].kind != "forward"):
        out.append("langkah otomatis harus punya tepat satu aksi maju")
    if step.escalate_to and not registry.is_known(step.agency or sop.agency, step.escalate_to):
        out.append(f"peran eskalasi '{step.escalate_to}' tidak terdaftar untuk instansi "
                   f"'{step.agency or sop.agency}'")
    if problem := _time_problem(step.time, None):
        out.append(problem)
    if step.auto_complete is not None:
        if not step.confirms_receipt:
            out.append("auto_complete hanya untuk langkah pemohon yang mengonfirmasi penerimaan "
                       "(setiap aksinya menuju @completed)")
        if problem := _time_problem(step.auto_complete, "auto_complete"):
            out.append(problem)
    return out


ARCHIVE_CODE = re.compile(r"^\d{3}(\.\d+)*$")
"""A kode klasifikasi arsip: three digits, then optional dotted sub-classes (470, 503.1)."""


def _output_problems(sop: SopDefinition, output: OutputSpec, registry: Registry) -> list[str]:
    """What is wrong with one declared output (its step, action, signer, validity, code)."""
    what = f"keluaran '{output.title}'"
    if not sop.has_step(output.step):
        return [f"{what} diterbitkan pada langkah '{output.step}' yang tidak ada"]
    out: list[str] = []
    step = sop.step(output.step)
    issuing = [a for a in step.actions if a.kind == "forward" and a.to != "@rejected"]
    if not issuing:
        out.append(f"{what}: langkah '{step.id}' tidak punya aksi maju yang tidak menuju "
                   "@rejected")
    if output.action is not None and output.action not in {a.name for a in issuing}:
        out.append(f"{what}: aksi '{output.action}' bukan aksi maju langkah '{step.id}' yang "
                   "tidak menuju @rejected")
    if output.signer is not None:
        agency = step.agency or sop.agency
        if not registry.is_known(agency, output.signer):
            out.append(f"{what}: penanda tangan '{output.signer}' tidak terdaftar untuk "
                       f"instansi '{agency}'")
    elif step.kind not in ("officer", "external"):
        out.append(f"{what}: tanpa penanda tangan, langkah '{step.id}' harus langkah "
                   "petugas/eksternal (pemohon tidak dapat menandatangani)")
    if problem := _time_problem(output.validity, f"masa berlaku {what}"):
        out.append(problem)
    if output.code is not None and not ARCHIVE_CODE.match(output.code):
        out.append(f"{what}: kode klasifikasi arsip '{output.code}' harus berbentuk '470' "
                   "atau '503.1'")
    return out


def _reachable(sop: SopDefinition) -> set[str]:
    seen: set[str] = set()
    todo = [sop.start.id]
    while todo:
        current = todo.pop()
        if current in seen or not sop.has_step(current):
            continue
        seen.add(current)
        for action in sop.step(current).actions:
            if action.kind == "return":
                todo.append(action.resume_at or current)
            elif action.to and not action.to.startswith("@"):
                todo.append(action.to)
    return seen


def _can_finish(sop: SopDefinition) -> set[str]:
    """Steps from which some terminal outcome can be reached."""
    done: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step in sop.steps:
            if step.id in done:
                continue
            for action in step.actions:
                targets = [action.to] if action.kind == "forward" else [
                    action.resume_at or step.id]
                if any(t and (t in TERMINALS or t in done) for t in targets):
                    done.add(step.id)
                    changed = True
                    break
    return done


def validate_sop(sop: SopDefinition, registry: Registry, source: str | None = None) -> None:
    """Raise :class:`SopValidationError` listing every problem of ``sop``; return if none."""
    problems: list[Problem] = []
    ids = [s.id for s in sop.steps]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(sop.key, dup, "id langkah dipakai lebih dari sekali"))
    if sop.agency not in registry.agencies:
        problems.append(Problem(sop.key, None, f"instansi '{sop.agency}' tidak ada di registri"))
    if sop.category not in CATEGORIES:
        problems.append(Problem(sop.key, None, f"kategori '{sop.category}' tidak dikenal; "
                                f"pilih salah satu: {', '.join(CATEGORIES)}"))
    start = sop.start
    if start.kind == "applicant" and not any(a.kind == "forward" for a in start.actions):
        problems.append(Problem(sop.key, start.id, "langkah awal pemohon harus punya aksi maju"))
    for step in sop.steps:
        problems += [Problem(sop.key, step.id, m) for m in _step_problems(sop, step, registry)]
    reachable = _reachable(sop)
    for step in sop.steps:
        if step.id not in reachable:
            problems.append(Problem(sop.key, step.id, "langkah tidak dapat dicapai dari awal"))
    finishing = _can_finish(sop)
    for step in sop.steps:
        if step.id in reachable and step.actions and step.id not in finishing:
            problems.append(Problem(sop.key, step.id,
                                    "dari langkah ini tidak ada jalan menuju hasil akhir"))
    for output in sop.outputs:
        step_id = output.step if sop.has_step(output.step) else None
        problems += [Problem(sop.key, step_id, m)
                     for m in _output_problems(sop, output, registry)]
    for doc in sop.documents:
        problems += [Problem(sop.key, None, m) for m in document_type_problems(doc.key, doc.types)]
    problems += [Problem(sop.key, step_id, m) for step_id, m in input_problems(sop)]
    pairs = [(o.kind, o.title) for o in sop.outputs]
    for kind, title in sorted({p for p in pairs if pairs.count(p) > 1}):
        problems.append(Problem(sop.key, None, f"keluaran '{title}' ({kind}) dideklarasikan "
                                "lebih dari sekali"))
    if problems:
        raise SopValidationError(problems, source)
