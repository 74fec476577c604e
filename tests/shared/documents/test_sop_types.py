"""``DocumentSpec.types``: the MIME types a document accepts, checked against the known list
when a definition is loaded or published; none named means the default set (and the stored
definition stays as it was); the intake applies them per document key."""

from __future__ import annotations

from typing import Any

import pytest

from shared.documents.intake import DocumentRefused, accept
from shared.documents.storage import Upload
from shared.documents.types import DEFAULT_TYPES
from shared.sop.loader import parse_sop
from shared.sop.model import SopDefinition
from shared.sop.validate import SopValidationError
from tests.shared.documents.samples import image, pdf
from tests.shared.documents.support import Body
from tests.support.sop_mutations import REGISTRY, valid


def with_documents(*docs: dict[str, Any]) -> dict[str, Any]:
    data = valid()
    data["documents"] = list(docs)
    return data


def test_no_types_means_the_default_set_and_nothing_new_is_stored() -> None:
    sop = parse_sop(with_documents({"key": "ktp", "label": "KTP"}), REGISTRY)
    [doc] = sop.documents
    assert doc.types is None and doc.allowed_types == DEFAULT_TYPES
    assert "types" not in sop.model_dump(mode="json", exclude_none=True)["documents"][0]


def test_known_types_are_accepted() -> None:
    sop = parse_sop(with_documents({"key": "surat", "label": "Surat",
                                    "types": ["application/pdf"]}), REGISTRY)
    assert sop.documents[0].allowed_types == ("application/pdf",)


@pytest.mark.parametrize(("types", "says"), [
    (["application/pdf", "text/html"], "jenis berkas 'text/html' tidak dikenal"),
    (["image/svg+xml"], "jenis berkas 'image/svg+xml' tidak dikenal"),
    (["pdf"], "jenis berkas 'pdf' tidak dikenal"),
    ([], "tidak boleh kosong"),
])
def test_unknown_or_empty_types_are_refused(types: list[str], says: str) -> None:
    with pytest.raises(SopValidationError) as raised:
        parse_sop(with_documents({"key": "surat", "label": "Surat", "types": types}), REGISTRY)
    [problem] = raised.value.problems
    assert "dokumen 'surat'" in problem.message and says in problem.message


def _upload(key: str, data: bytes, declared: str) -> Upload:
    return Upload(key=key, filename="", content_type=declared, file=Body(data))


async def test_the_intake_applies_each_documents_types() -> None:
    sop: SopDefinition = parse_sop(with_documents(
        {"key": "surat", "label": "Surat", "types": ["application/pdf"]},
        {"key": "foto", "label": "Foto", "types": ["image/jpeg", "image/png"]}), REGISTRY)
    accepted = await accept([_upload("surat", pdf(), "application/pdf"),
                             _upload("foto", image("PNG"), "image/png")], sop)
    assert [(a.upload.filename, a.content_type) for a in accepted] == [
        ("surat.pdf", "application/pdf"), ("foto.png", "image/png")]
    assert await accepted[0].upload.file.read() == pdf()  # the sniffed head is given back
    with pytest.raises(DocumentRefused) as refused:
        await accept([_upload("surat", image("JPEG"), "image/jpeg"),
                      _upload("foto", pdf(), "application/pdf")], sop)
    assert [(e["field"], e["problem"]) for e in refused.value.errors] == [
        ("documents.surat", "document-type-not-allowed"),
        ("documents.foto", "document-type-not-allowed")]
