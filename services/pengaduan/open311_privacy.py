"""What of a complaint the public Open311 ``GET requests`` may show.

``GET requests`` needs no key: anyone reads it. It never shows the reporter (name, phone,
e-mail, NIK, account); it shows the report's text and place only when :func:`visibility`
allows. Hidden are:

- the text of a secret or anonymous report: its confidentiality level
  (:mod:`services.pengaduan.anonymity`, ``rahasia``/``anonim``, from the form or from
  SP4N-LAPOR!) is not ``biasa``, or a form boolean named in :data:`SECRET_FLAGS` is true (a
  free text can name its author, so hiding the reporter hides the text too);
- the text and the place of every report on an SOP in :data:`CONFIDENTIAL_SOPS`: reports of
  violence against women and children (DPPPA), whose victims must stay unidentifiable; the
  regency's choice, not verified against a legal text here.

"""

from __future__ import annotations

from dataclasses import dataclass

from shared.db.tables import CaseRow

SECRET_FLAGS: tuple[str, ...] = ("rahasiakan_identitas", "anonim", "rahasia")
CONFIDENTIAL_SOPS: frozenset[str] = frozenset({"pppa-pengaduan-kekerasan-perempuan-anak"})


@dataclass(frozen=True)
class Visibility:
    description: bool
    location: bool


def is_secret(row: CaseRow) -> bool:
    form = row.form or {}
    return any(form.get(flag) is True for flag in SECRET_FLAGS)


def visibility(row: CaseRow, level: str = "biasa") -> Visibility:
    """What of ``row`` is public, given its confidentiality ``level``."""
    if row.sop_key in CONFIDENTIAL_SOPS:
        return Visibility(description=False, location=False)
    return Visibility(description=level == "biasa" and not is_secret(row), location=True)
