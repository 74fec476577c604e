"""The typed model of an SOP definition (Perbup Lampung Selatan 19/2026, Lampiran).

An SOP is data: YAML files under ``services/<service>/sops/`` or a JSON body published
through the API. This module only describes its shape; :mod:`shared.sop.validate` checks
that a definition is a coherent flow, and :mod:`shared.sop.loader` reads files.

Vocabulary (kept in Bahasa Indonesia where the regulation uses it):

* a *step* (langkah) has an actor role (pelaksana), an activity text (kegiatan), required
  documents (kelengkapan), a standard time (waktu) and an output;
* an *action* is what the step's actor may do; it leads to another step, to a terminal
  outcome (``@completed``, ``@rejected``, ``@archived``), or back to the applicant
  (``kind: return``: berkas tidak lengkap) with the agency's clock paused;
* a step's *kind* says who can act: the applicant (``applicant``), an officer with the
  step's role (``officer``), an external institution through an integration callback or an
  officer recording its result (``external``), or the system itself (``automatic``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.calendar.standard_time import StandardTime, parse_standard_time
from shared.documents.types import DEFAULT_TYPES

TERMINALS: dict[str, str] = {
    "@completed": "completed",
    "@rejected": "rejected",
    "@archived": "archived",
}
"""Terminal targets an action may lead to, and the case outcome each one sets."""

APPLICANT_ROLE = "pemohon"
DEFAULT_AUTO_COMPLETE = "10 hari kerja"
"""How long a case waits for the applicant to confirm receipt before it closes as completed
by itself: the SP4N-LAPOR! closing rule (KemenPANRB, "Penutupan aduan": a report is taken as
settled once the agency has followed it up and 10 working days passed with no answer from the
reporter)."""
StepKind = Literal["applicant", "officer", "external", "automatic"]
CalendarName = Literal["office", "24x7"]
FieldType = Literal["string", "text", "integer", "number", "date", "boolean", "choice", "nik",
                    "phone", "email"]


DEFAULT_MAX_LENGTH: dict[str, int] = {"string": 200, "text": 4000, "email": 254}
"""The longest value of a text-like field when its definition names none: a line (a name, an
address) 200 characters, a multi-line text 4,000, an e-mail address 254 (RFC 5321's path
limit). NIK, phone, date and choice values have a fixed shape already."""
MAX_LENGTH_CEILING = 20_000
"""The largest ``max_length`` a definition may set: form values are short data, not files."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FormField(_Frozen):
    """One field of the applicant's form."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: FieldType = "string"
    required: bool = True
    choices: tuple[str, ...] = ()
    personal: bool = False
    """Personal data (UU 27/2022 PDP): masked in responses, never put in events or logs."""
    max_length: int | None = Field(default=None, ge=1, le=MAX_LENGTH_CEILING)
    """The longest text value accepted, in characters; none given: the type's default
    (:data:`DEFAULT_MAX_LENGTH`). ``None`` rather than the number, so a definition that names
    none is stored as before."""

    @property
    def length_limit(self) -> int | None:
        """The longest value accepted for a text-like type (string, text, e-mail), else None."""
        default = DEFAULT_MAX_LENGTH.get(self.type)
        if default is None:
            return None
        return self.max_length if self.max_length is not None else default


class DocumentSpec(_Frozen):
    """A document the applicant uploads (kelengkapan/persyaratan)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    required: bool = True
    types: tuple[str, ...] | None = None
    """MIME types the file may have, judged by its content (``shared.documents.types``);
    none given: ``DEFAULT_TYPES`` (PDF, JPEG, PNG, WebP). ``None`` rather than the tuple, so a
    definition that names none is stored as before."""

    @property
    def allowed_types(self) -> tuple[str, ...]:
        return self.types if self.types is not None else DEFAULT_TYPES


class ActionDocument(DocumentSpec):
    """A document the officer attaches when taking an action (a berita acara of a field
    check, a survey result, a fire report): declared on the action, kept with the case."""

    applicant_visible: bool = False
    """Whether the applicant may list and download it; by default only officers see it."""


class Action(_Frozen):
    """What a step's actor may do, and where it leads."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = ""
    to: str | None = None
    """A step id, or a terminal (``@completed``/``@rejected``/``@archived``). Unused for returns."""
    kind: Literal["forward", "return"] = "forward"
    deadline: str | None = None
    """For ``return``: the applicant's deadline to complete the file, as a standard time."""
    resume_at: str | None = None
    """For ``return``: the step the resubmitted file goes to (default: the returning step)."""
    comment_required: bool = False
    note: str | None = None
    """Why this action exists when the regulation is silent (e.g. a platform default path)."""
    fields: tuple[FormField, ...] | None = None
    """Officer actions: form fields the officer fills when taking it (the figures the step's
    text has the officer record); stored apart from the applicant's form, per step. ``None``
    rather than an empty tuple, so a definition that declares none is stored as before."""
    documents: tuple[ActionDocument, ...] | None = None
    """Officer actions: documents the officer attaches (the paper the step produces). Keys
    are distinct from the SOP's ``documents`` (the applicant's). ``None`` as for ``fields``."""

    @property
    def input_fields(self) -> tuple[FormField, ...]:
        return self.fields or ()

    @property
    def input_documents(self) -> tuple[ActionDocument, ...]:
        return self.documents or ()

    @property
    def has_inputs(self) -> bool:
        return bool(self.fields or self.documents)

    def personal_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.input_fields
                         if f.personal or f.type in ("nik", "phone"))

    @property
    def terminal(self) -> str | None:
        return TERMINALS.get(self.to or "")

    def deadline_time(self) -> StandardTime | None:
        return parse_standard_time(self.deadline) if self.deadline else None


OutputKind = Literal["surat_izin", "surat_rekomendasi", "surat_keterangan", "tanda_terima_dokumen",
                     "tanda_terima", "sppt_salinan", "bukti_pembayaran", "berita_acara",
                     "surat_jawaban_pengaduan"]
"""Product kinds, one template each: a permit; a recommendation; a certificate or letter of
statement; the receipt of a card or deed (KIA, KK, akta) issued by the agency; a receipt of a
request or of goods; a copy of the SPPT; a payment receipt (STTS); an official report
(berita acara, e.g. of a fire response); the reply to a complaint."""


class OutputSpec(_Frozen):
    """A document the SOP produces (its product), issued as a signed PDF when the case
    leaves ``step`` by a forward action (``action``, or any that does not lead to
    ``@rejected``)."""

    kind: OutputKind
    title: str
    """The product's name as the regulation gives it, e.g. "Kartu Identitas Anak (KIA)"."""
    step: str
    action: str | None = None
    signer: str | None = None
    """The role whose officer signs it (default: the step's actor)."""
    validity: str | None = None
    """How long it stays valid, as a standard time ("60 bulan"); none: no expiry."""
    code: str | None = None
    """The archive classification code that opens its number (kode klasifikasi arsip)."""


class Step(_Frozen):
    """One row of the SOP table."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    nomor: int | None = None
    """The step number as printed in the regulation."""
    actor: str
    """Role key from the agency registry (``pemohon`` for the applicant)."""
    agency: str | None = None
    """The executing agency when it is not the SOP's own (e.g. Dinas Kesehatan in a permit)."""
    kind: StepKind = "officer"
    activity: str
    documents: tuple[str, ...] = ()
    time: str | None = None
    """Standard time as used for the due time; parsed with the calendar's grammar."""
    time_printed: str | None = None
    """The Waktu cell as printed, when it differs from ``time`` (blank, damaged, "-")."""
    time_reading: str | None = None
    """Why ``time`` was chosen when the printed cell was not a duration."""
    time_from: Literal["step", "submitted"] = "step"
    """What the standard time counts from: the step's own start, or the applicant's
    (re)submission, for a standard the text sets from the report (Damkar: on site within 15
    minutes of the call)."""
    calendar: CalendarName | None = None
    output: str | None = None
    note: str | None = None
    institution: str | None = None
    """For external steps: the institution (BKN, Pusdatin, BPJS Kesehatan, a bank, ...)."""
    escalate_to: str | None = None
    """Supervisor role told when the step is overdue (default: from the agency registry)."""
    auto_complete: str | None = None
    """For an applicant step that only confirms receipt: the time after which the system takes
    its forward action itself (default for such steps: :data:`DEFAULT_AUTO_COMPLETE`)."""
    actions: tuple[Action, ...] = ()

    @property
    def terminal_step(self) -> bool:
        return not self.actions

    def standard_time(self) -> StandardTime | None:
        return parse_standard_time(self.time) if self.time else None

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    @property
    def confirms_receipt(self) -> bool:
        """An applicant step whose every action completes the case (terima, unduh, cetak)."""
        return (self.kind == "applicant" and bool(self.actions)
                and all(a.kind == "forward" and a.to == "@completed" for a in self.actions))


class ServiceStandard(_Frozen):
    """Components of the service standard (standar pelayanan) the steps do not already give."""

    product: str | None = None
    cost: str | None = None
    """Free ("Tidak dipungut biaya") unless the SOP names a fee or levy."""
    complaint_channel: str | None = None
    legal_basis: tuple[str, ...] = ()
    service_hours: str | None = None
    facilities: str | None = None
    officer_competence: str | None = None
    internal_supervision: str | None = None
    guarantee: str | None = None
    security: str | None = None
    evaluation: str | None = None
    stated_total_time: str | None = None
    """The total time as printed by the regulation, when it prints one."""


class SopDefinition(_Frozen):
    """One SOP, one version. Versions are immutable once published."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(default=1, ge=1)
    title: str
    """The title as printed in the regulation (typos included)."""
    display_title: str | None = None
    """The title with the regulation's typos corrected, for display and search."""
    agency: str
    service: str
    category: str = "facilitation-other"
    calendar: CalendarName = "office"
    source: str | None = None
    """Where the text stands in the regulation (e.g. "Lampiran, baris 467-477")."""
    readings: tuple[str, ...] = ()
    """Readings chosen where the regulation is damaged, copied or silent."""
    standard: ServiceStandard = ServiceStandard()
    form: tuple[FormField, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    """The documents the SOP produces (its product), each issued at one step."""
    steps: tuple[Step, ...]

    @field_validator("steps")
    @classmethod
    def _not_empty(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        if not steps:
            raise ValueError("SOP harus memiliki paling sedikit satu langkah")
        return steps

    @property
    def ref(self) -> str:
        return f"{self.key}@v{self.version}"

    @property
    def start(self) -> Step:
        return self.steps[0]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def has_step(self, step_id: str) -> bool:
        return any(s.id == step_id for s in self.steps)

    def calendar_of(self, step: Step) -> str:
        return step.calendar or self.calendar

    def personal_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.form if f.personal or f.type in ("nik", "phone"))

    def action_documents(self) -> dict[str, ActionDocument]:
        """Every document an officer action declares, by key (the first declaration)."""
        out: dict[str, ActionDocument] = {}
        for step in self.steps:
            for action in step.actions:
                for doc in action.input_documents:
                    out.setdefault(doc.key, doc)
        return out

    def document_spec(self, key: str) -> DocumentSpec | None:
        """The applicant's document ``key``, else an officer action's."""
        own = next((d for d in self.documents if d.key == key), None)
        return own or self.action_documents().get(key)
