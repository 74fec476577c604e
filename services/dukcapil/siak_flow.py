"""SIAK in the SOP flow: the KABID's verification step asks SIAK, the completion queues the
issued documents for recording in SIAK.

* Leaving ``verifikasi_siak``: the subject's NIK (with the KK number, name and birth date
  the form gives) is compared in SIAK; the answer, comparisons only, goes into the history
  entry's ``data.siak`` (hence the event). Forwarding ("Terverifikasi di SIAK") a file SIAK
  does not confirm is refused (422 ``siak-mismatch``, naming the fields, never a value);
  while SIAK cannot be reached, forwarding waits (503 ``siak-unavailable``); rejecting
  records what SIAK said (or ``tidak_terjangkau``) and goes ahead.
* On completion: one pending ``dukcapil_siak_records`` row per output document of the case,
  in the transaction that completes it; :mod:`services.dukcapil.siak_outbox` sends them.

Without SIAK (no ``HALO_DUKCAPIL_SIAK_URL``: the all-in-one demo) the verification step
works as before (the KABID checks in SIAK's own application) and the records wait, pending,
until SIAK is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.dukcapil import store
from services.dukcapil.adapters.siak import SiakQuery, SiakRefused, SiakUnavailable
from services.dukcapil.context import DukcapilContext
from services.dukcapil.domain import parse_day
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.state import HistoryEntry, Transition
from shared.sop.model import SopDefinition
from shared.web.problems import ProblemError

VERIFY_STEP = "verifikasi_siak"


@dataclass(frozen=True)
class Subject:
    """Whose record SIAK holds, by form field, and the kind of document the SOP issues."""

    nik: str
    kind: str
    nomor_kk: str | None = "nomor_kk"
    name: str | None = None
    birth: str | None = None
    kind_field: str | None = None
    """A choice field naming the document (Yanduksatlantas serves several kinds)."""


_KIA = Subject("nik_anak", "kia", name="nama_anak", birth="tanggal_lahir_anak")
_AKTA = Subject("nik_ibu", "akta_kelahiran", name="nama_ibu")
SUBJECTS: dict[str, Subject] = {
    "dukcapil-kia-0-5-tahun": _KIA,
    "dukcapil-kia-5-17-tahun": _KIA,
    "dukcapil-akta-kelahiran-1-60-hari": _AKTA,
    "dukcapil-akta-kelahiran-lebih-60-hari": _AKTA,
    "dukcapil-akta-kematian": Subject("nik_almarhum", "akta_kematian", nomor_kk=None,
                                      name="nama_almarhum"),
    "dukcapil-kk-hilang": Subject("nik_pemohon", "kk", name="nama_pemohon"),
    "dukcapil-mutasi-kedatangan": Subject("nik_pemohon", "kk", nomor_kk=None,
                                          name="nama_pemohon"),
    "dukcapil-mutasi-penduduk": Subject("nik_pemohon", "skpwni", name="nama_pemohon"),
    "dukcapil-perubahan-data-kk": Subject("nik_pemohon", "kk", name="nama_pemohon"),
    "dukcapil-update-data-konsolidasi": Subject("nik_pemohon", "biodata",
                                                name="nama_pemohon"),
    "dukcapil-yanduksatlantas": Subject("nik_pemohon", "lainnya", name="nama_pemohon",
                                        kind_field="jenis_layanan"),
}
"""For a birth certificate the child has no NIK yet: SIAK is asked about the mother."""


def _text(form: dict[str, Any], name: str | None) -> str | None:
    value = form.get(name) if name else None
    return value if isinstance(value, str) and value.strip() else None


def query_of(subject: Subject, form: dict[str, Any]) -> SiakQuery | None:
    nik = _text(form, subject.nik)
    if nik is None:
        return None
    return SiakQuery(nik=nik, nomor_kk=_text(form, subject.nomor_kk),
                     nama=_text(form, subject.name),
                     tanggal_lahir=parse_day(form.get(subject.birth)) if subject.birth else None)


def kind_of(subject: Subject, form: dict[str, Any]) -> str:
    return _text(form, subject.kind_field) or subject.kind


def form_field(subject: Subject, siak_name: str) -> str:
    """The form field SIAK's comparison ``siak_name`` was made on."""
    named = {"nik": subject.nik, "nomor_kk": subject.nomor_kk, "nama": subject.name,
             "tanggal_lahir": subject.birth}.get(siak_name)
    return named or siak_name


def _leaving(done: Transition, step: str) -> HistoryEntry | None:
    return next((e for e in done.entries if e.step_id == step and e.action), None)


def install(hooks: Hooks, ctx: DukcapilContext) -> None:
    """Register the SIAK hooks of every SOP in :data:`SUBJECTS`."""

    async def verify(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                     done: Transition) -> None:
        entry = _leaving(done, VERIFY_STEP)
        client, cipher = ctx.client(), ctx.cipher()
        if entry is None or client is None or cipher is None or not sop.has_step(VERIFY_STEP):
            return
        action = sop.step(VERIFY_STEP).action(entry.action or "")
        forward = action is not None and action.kind == "forward" and action.to != "@rejected"
        form = cipher.open_form(row.form or {}, sop.personal_fields())
        query = query_of(SUBJECTS[sop.key], form)
        if query is None:
            return
        try:
            answer = await client.verify(query)
        except (SiakUnavailable, SiakRefused):
            if forward:
                raise ProblemError(503, "siak-unavailable", headers={"Retry-After": "30"},
                                   ) from None
            entry.data["siak"] = {"status": "tidak_terjangkau"}
            return
        entry.data["siak"] = answer.as_data()
        if forward and answer.mismatched:
            fields = [form_field(SUBJECTS[sop.key], name) for name in answer.mismatched]
            raise ProblemError(422, "siak-mismatch", checks=", ".join(fields),
                               errors=[{"field": f, "problem": "siak-mismatch"} for f in fields])

    async def record(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                     done: Transition) -> None:
        if done.case.status != "completed":
            return
        subject, cipher = SUBJECTS[sop.key], ctx.cipher()
        kind = subject.kind
        if subject.kind_field and cipher is not None:
            kind = kind_of(subject, cipher.open_form(row.form or {}, sop.personal_fields()))
        now = done.entries[-1].at
        await store.queue_records(session, case_id=row.id, sop_key=sop.key, kind=kind,
                                  documents=await store.standing_documents(session, row.id),
                                  now=now)

    for key in SUBJECTS:
        hooks.before_leaving(key, VERIFY_STEP)(verify)
        hooks.after_leaving(key)(record)
