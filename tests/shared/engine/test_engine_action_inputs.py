"""Officer actions that declare fields and documents: the option says what the action takes
(``accepts``, with ``required``, types and choices); the action is refused without a required
one, with a value of the wrong type or with an undeclared name, every problem at once and
naming fields only; taken with them, the history entry names what was brought, never the
values. Actions that declare nothing behave as before."""

from __future__ import annotations

from typing import Any

import pytest

from shared.calendar import calendar_for
from shared.engine.action_inputs import ActionInputsInvalid
from shared.engine.engine import SopEngine
from shared.engine.errors import FormNotAccepted
from shared.engine.state import CaseState, Item, Items, Principal
from shared.sop.loader import parse_sop
from shared.sop.model import SopDefinition
from tests.shared.engine.sops import REGISTRY, FakeClock, wib

OWNER = Principal("warga-pemilik", frozenset({"citizen"}))
OPERATOR = Principal("op-1", frozenset({"disdukcapil:operator"}))
KABID = Principal("kabid-1", frozenset({"disdukcapil:kabid"}))
FIELDS = [
    {"name": "hasil", "label": "Hasil peninjauan", "type": "choice",
     "choices": ["layak", "tidak_layak"]},
    {"name": "luas", "label": "Luas (m2)", "type": "number"},
    {"name": "saksi", "label": "Nama saksi", "personal": True, "required": False},
]
DOCUMENTS = [{"key": "berita_acara", "label": "Berita Acara Peninjauan Lapangan"},
             {"key": "foto_lokasi", "label": "Foto lokasi", "required": False,
              "types": ["image/jpeg"]}]


def sop() -> SopDefinition:
    return parse_sop({
        "key": "uji-masukan-petugas", "title": "SOP UJI", "agency": "disdukcapil",
        "service": "dukcapil", "documents": [{"key": "ktp", "label": "KTP"}],
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant", "activity": "Ajukan",
             "actions": [{"name": "ajukan", "to": "peninjauan"}]},
            {"id": "peninjauan", "actor": "operator", "activity": "Peninjauan lapangan",
             "time": "1 hari kerja", "actions": [
                 {"name": "ditinjau", "to": "persetujuan", "fields": FIELDS,
                  "documents": DOCUMENTS},
                 {"name": "kembalikan", "kind": "return", "deadline": "3 hari kerja"}]},
            {"id": "persetujuan", "actor": "kabid", "activity": "Setujui", "time": "1 jam",
             "actions": [{"name": "setujui", "to": "@completed"}]},
        ]}, REGISTRY)


def at_peninjauan() -> tuple[SopEngine, SopDefinition, CaseState]:
    engine = SopEngine(FakeClock(wib(8, 11, 9, 0)), calendar_for)
    definition = sop()
    done = engine.start(definition, case_id="c-1", tracking_no="DK-0000-0001",
                        applicant=OWNER, form={}, documents=["ktp"])
    assert done.case.step_id == "peninjauan"
    return engine, definition, done.case


def test_the_option_says_what_the_officer_action_takes() -> None:
    engine, definition, case = at_peninjauan()
    ditinjau, kembalikan = engine.options(definition, case, OPERATOR)
    assert ditinjau.accepts == Items(
        documents=(Item("berita_acara", "Berita Acara Peninjauan Lapangan", True,
                        types=("application/pdf", "image/jpeg", "image/png", "image/webp")),
                   Item("foto_lokasi", "Foto lokasi", False, types=("image/jpeg",))),
        fields=(Item("hasil", "Hasil peninjauan", True, type="choice",
                     choices=("layak", "tidak_layak")),
                Item("luas", "Luas (m2)", True, type="number"),
                Item("saksi", "Nama saksi", False, type="string")))
    assert kembalikan.accepts is None


@pytest.mark.parametrize(("form", "documents", "expected"), [
    pytest.param(None, (), [{"field": "hasil", "problem": "required"},
                            {"field": "luas", "problem": "required"},
                            {"field": "documents.berita_acara", "problem": "required"}],
                 id="nothing"),
    pytest.param({"hasil": "bagus", "luas": "dua ratus"}, ("berita_acara",),
                 [{"field": "hasil", "problem": "not-a-choice"},
                  {"field": "luas", "problem": "not-number"}], id="wrong-values"),
    pytest.param({"hasil": "layak", "luas": 120, "catatan": "x"}, ("berita_acara", "ktp"),
                 [{"field": "catatan", "problem": "unknown-field"},
                  {"field": "documents.ktp", "problem": "unknown-document"}],
                 id="undeclared-names"),
])
def test_the_action_is_refused_without_what_it_needs(form: dict[str, Any] | None,
                                                     documents: tuple[str, ...],
                                                     expected: list[dict[str, str]]) -> None:
    engine, definition, case = at_peninjauan()
    with pytest.raises(ActionInputsInvalid) as refused:
        engine.act(definition, case, OPERATOR, "ditinjau", form=form, documents=documents)
    assert refused.value.problems == expected
    assert refused.value.code == "action-inputs-invalid" and refused.value.status == 422


def test_taken_with_its_inputs_the_history_names_them_without_values() -> None:
    engine, definition, case = at_peninjauan()
    done = engine.act(definition, case, OPERATOR, "ditinjau",
                      form={"hasil": "layak", "luas": 120.5, "saksi": "Budi Santoso"},
                      documents=["berita_acara"])
    (entry,) = done.entries
    assert (entry.event, entry.step_id, entry.next_step_id) == (
        "case.step_completed", "peninjauan", "persetujuan")
    assert entry.documents == ("berita_acara",)
    assert entry.data == {"inputs": {"fields": ["hasil", "luas", "saksi"],
                                     "documents": ["berita_acara"]}}
    assert "Budi" not in repr(entry)


def test_actions_without_inputs_still_refuse_a_form_and_undeclared_documents() -> None:
    engine, definition, case = at_peninjauan()
    case = engine.act(definition, case, OPERATOR, "ditinjau", form={"hasil": "layak",
                                                                    "luas": 1},
                      documents=["berita_acara"]).case
    with pytest.raises(FormNotAccepted):
        engine.act(definition, case, KABID, "setujui", form={"hasil": "layak"})
    with pytest.raises(ActionInputsInvalid) as refused:
        engine.act(definition, case, KABID, "setujui", documents=["berita_acara"])
    assert refused.value.problems == [{"field": "documents.berita_acara",
                                       "problem": "unknown-document"}]
    assert engine.act(definition, case, KABID, "setujui").case.status == "completed"
