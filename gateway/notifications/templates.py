"""Message templates as data: one YAML file per event type under ``templates/``.

A file has a section per audience (``applicant``, ``officer``, ``supervisor``), and in each
a text per language (``id``, ``en``): ``title`` (the feed's title and the e-mail subject),
``body`` (the feed and the e-mail) and optionally ``whatsapp`` (the WhatsApp text; the body
when absent). A section may name an approved WhatsApp template (``whatsapp_template: {name,
params: [placeholder, ...]}``), sent instead of the text. ``_common.yaml`` holds the e-mail
footer. Placeholders are ``{name}`` from :data:`PLACEHOLDERS`; officer and supervisor texts
may not use ``{reason}`` (an officer's message says *that* a file was returned, never why).

Every file is checked at start: a missing language, an unknown placeholder or a forbidden
one stops the gateway with the file named, never a failed event later. Every rendered text
is scrubbed once more: any run of 9 or more digits (a NIK, KK or phone number slipping
through a reason) becomes ``[disamarkan]``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from shared.redact import scrub

LANGUAGES = ("id", "en")
AUDIENCES = ("applicant", "officer", "supervisor")
PLACEHOLDERS = frozenset({
    "tracking_no", "title", "agency_name", "service", "status", "step", "reason", "deadline",
    "requested", "output_title", "output_number", "survey_path", "tracking_path", "due_at",
    "level"})
APPLICANT_ONLY = frozenset({"reason"})
TEXT_KEYS = ("title", "body", "whatsapp")


class TemplateError(ValueError):
    """A template file that cannot be used; raised at start."""




@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    whatsapp: str
    whatsapp_template: dict[str, Any] | None = None
    """``{"name", "language", "params": [values]}`` when an approved template is named."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _check_text(where: str, audience: str, text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{where}: teks kosong atau bukan teks")
    try:
        names = _fields(text)
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise TemplateError(f"{where}: placeholder tidak dikenal {sorted(unknown)}")
    if audience != "applicant" and names & APPLICANT_ONLY:
        raise TemplateError(f"{where}: pesan petugas tidak boleh memuat {{reason}}")
    return text


def _check_section(name: str, audience: str, section: object) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise TemplateError(f"{name}.{audience}: harus berupa peta")
    for lang in LANGUAGES:
        texts = section.get(lang)
        if not isinstance(texts, dict) or not {"title", "body"} <= texts.keys():
            raise TemplateError(f"{name}.{audience}.{lang}: wajib ada title dan body")
        for key in texts:
            if key not in TEXT_KEYS:
                raise TemplateError(f"{name}.{audience}.{lang}: kunci '{key}' tidak dikenal")
            _check_text(f"{name}.{audience}.{lang}.{key}", audience, texts[key])
    template = section.get("whatsapp_template")
    if template is not None:
        params = template.get("params", []) if isinstance(template, dict) else None
        if (not isinstance(template, dict) or not isinstance(template.get("name"), str)
                or not isinstance(params, list) or not set(params) <= PLACEHOLDERS):
            raise TemplateError(f"{name}.{audience}.whatsapp_template: name dan params "
                                "(daftar placeholder) wajib benar")
        if audience != "applicant" and set(params) & APPLICANT_ONLY:
            raise TemplateError(f"{name}.{audience}.whatsapp_template: tanpa reason")
    return section


class Templates:
    def __init__(self, files: dict[str, dict[str, Any]], footer: dict[str, str]) -> None:
        self._files = files
        self._footer = footer

    @classmethod
    def load(cls, folder: Path) -> Templates:
        files: dict[str, dict[str, Any]] = {}
        footer = {lang: "" for lang in LANGUAGES}
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise TemplateError(f"{path.name}: YAML tidak valid ({exc})") from None
            if path.stem == "_common":
                for lang in LANGUAGES:
                    footer[lang] = _check_text(f"{path.name}.footer.{lang}", "officer",
                                               (data.get("footer") or {}).get(lang, " "))
                continue
            unknown = set(data) - set(AUDIENCES)
            if unknown:
                raise TemplateError(f"{path.name}: bagian tidak dikenal {sorted(unknown)}")
            files[path.stem] = {aud: _check_section(path.stem, aud, sec)
                                for aud, sec in data.items()}
        return cls(files, footer)

    def has(self, template: str, audience: str) -> bool:
        return audience in self._files.get(template, {})

    def names(self) -> dict[str, list[str]]:
        return {name: sorted(sections) for name, sections in sorted(self._files.items())}

    def render(self, template: str, audience: str, language: str,
               values: dict[str, str]) -> Rendered:
        section = self._files[template][audience]
        lang = language if language in LANGUAGES else LANGUAGES[0]
        texts = section[lang]
        safe = {k: scrub(values.get(k) or "-") for k in PLACEHOLDERS}
        title = scrub(texts["title"].format_map(safe)).strip()
        body = scrub(texts["body"].format_map(safe)).strip()
        whatsapp = scrub(texts.get("whatsapp", texts["body"]).format_map(safe)).strip()
        template_ref = section.get("whatsapp_template")
        wa_template = None
        if template_ref:
            wa_template = {"name": template_ref["name"], "language": lang,
                           "params": [safe[p] for p in template_ref.get("params", [])]}
        return Rendered(title=title, body=body, whatsapp=whatsapp,
                        whatsapp_template=wa_template)

    def footer(self, language: str) -> str:
        return self._footer.get(language, self._footer[LANGUAGES[0]]).strip()
