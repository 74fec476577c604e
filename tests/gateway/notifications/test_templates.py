"""Templates are data: every shipped file loads in both languages, placeholders are checked
at start, officers' texts cannot quote the reason, and every rendered text is scrubbed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.notifications.part import REQUIRED, load_templates
from gateway.notifications.settings import TEMPLATES_DIR, NotificationSettings
from gateway.notifications.templates import PLACEHOLDERS, TemplateError, Templates
from shared.redact import scrub

TEXTS = {"id": {"title": "Judul {tracking_no}", "body": "Isi {title}"},
         "en": {"title": "Title {tracking_no}", "body": "Body {title}"}}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_every_shipped_template_loads_and_renders_in_both_languages() -> None:
    templates = load_templates(NotificationSettings())
    values = {k: f"<{k}>" for k in PLACEHOLDERS}
    for name, audiences in templates.names().items():
        for audience in audiences:
            for lang in ("id", "en"):
                rendered = templates.render(name, audience, lang, values)
                assert "<tracking_no>" in rendered.title + rendered.body, (name, audience)
                assert "{" not in rendered.body and rendered.whatsapp
    assert all(templates.has(t, a) for t, a in REQUIRED)
    assert "Lampung" in templates.footer("id") and "Selatan" in templates.footer("en")


def test_the_language_is_chosen_and_an_unknown_one_falls_back_to_indonesian() -> None:
    templates = Templates.load(TEMPLATES_DIR)
    values = {"tracking_no": "DK-1"}
    assert templates.render("case.completed", "applicant", "en", values).title == (
        "Request DK-1 completed")
    assert templates.render("case.completed", "applicant", "fr", values).title == (
        "Permohonan DK-1 selesai")


@pytest.mark.parametrize(("text", "expected"), [
    ("NIK 1801014507900003.", "NIK [disamarkan]."),
    ("KK 1801-0122-0220-0003 dan HP +62 812 3456 7890", "KK [disamarkan] dan HP [disamarkan]"),
    ("hubungi 081234567", "hubungi [disamarkan]"),
    ("nomor 12345678 saja", "nomor 12345678 saja"),
    ("DK-7MQ3-XA9T, 4 Desember 2026 pukul 16.00 WIB", "DK-7MQ3-XA9T, 4 Desember 2026 pukul "
     "16.00 WIB"),
])
def test_scrub(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_rendering_scrubs_every_value_again() -> None:
    templates = Templates.load(TEMPLATES_DIR)
    rendered = templates.render("case.returned", "applicant", "id", {
        "tracking_no": "DK-1", "reason": "NIK 1801014507900003 salah",
        "title": "Layanan 081234567890"})
    assert "1801014507900003" not in rendered.body + rendered.whatsapp
    assert "081234567890" not in rendered.body + rendered.title
    assert "Alasan: NIK [disamarkan] salah" in rendered.body


@pytest.mark.parametrize(("text", "problem"), [
    ("applicant:\n  id: {title: 'a {nik}', body: b}\n  en: {title: a, body: b}\n",
     "placeholder tidak dikenal ['nik']"),
    ("officer:\n  id: {title: a, body: 'alasan {reason}'}\n  en: {title: a, body: b}\n",
     "tidak boleh memuat {reason}"),
    ("applicant:\n  id: {title: a, body: b}\n", "applicant.en: wajib ada title dan body"),
    ("petugas:\n  id: {title: a, body: b}\n", "bagian tidak dikenal ['petugas']"),
    ("applicant:\n  id: {title: a, body: b, sms: c}\n  en: {title: a, body: b}\n",
     "kunci 'sms' tidak dikenal"),
    ("applicant:\n  id: {title: 'a {', body: b}\n  en: {title: a, body: b}\n", "case.x"),
    ("officer:\n  id: {title: a, body: b}\n  en: {title: a, body: b}\n"
     "  whatsapp_template: {name: t, params: [reason]}\n", "tanpa reason"),
    ("applicant: [1, 2\n", "YAML tidak valid"),
])
def test_a_bad_template_is_refused_at_load(tmp_path: Path, text: str, problem: str) -> None:
    folder = write(tmp_path / "t", "case.x", text)
    with pytest.raises(TemplateError) as refused:
        Templates.load(folder)
    assert problem in str(refused.value)


def test_a_missing_required_template_stops_the_start(tmp_path: Path) -> None:
    folder = write(tmp_path / "t", "case.submitted", "applicant:\n" + "".join(
        f"  {lang}: {{title: '{t['title']}', body: '{t['body']}'}}\n"
        for lang, t in TEXTS.items()))
    with pytest.raises(TemplateError) as refused:
        load_templates(NotificationSettings(templates_dir=folder))
    assert "case.submitted.officer" in str(refused.value)
