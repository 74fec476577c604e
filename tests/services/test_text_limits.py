"""Text fields of the case routes: a maximum length and no control characters (NUL, ESC,
...; a comment may hold new lines and tabs). Refusals are 422 naming the field, and nothing
is stored. Every string field of the request schemas is bounded."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select

from gateway.identity import schemas as identity_schemas
from gateway.identity import schemas_lookup
from gateway.survey.schemas import SurveyAnswer
from services.dukcapil.app import create_app
from shared.db.tables import AuditRow, CaseRow, HistoryRow, OutboxRow
from shared.web import schemas
from shared.web.routes_outputs import RevokeOutput
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
REQUEST_MODELS: list[type[BaseModel]] = [
    schemas.OpenCase, schemas.ActOnCase, schemas.RequestedItems, RevokeOutput, SurveyAnswer,
    identity_schemas.RegisterForm, identity_schemas.LoginForm, identity_schemas.RefreshForm,
    identity_schemas.AgencyAdminForm, identity_schemas.OfficerForm,
    identity_schemas.RolesForm, schemas_lookup.CitizenLookup]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
                                      tmp_path), wiring(TOKENS))
    async with running(app) as http:
        yield app, http


async def _counts(app: object) -> tuple[int, ...]:
    runtime = runtime_of(app)  # type: ignore[arg-type]
    async with runtime.sessions() as s:
        return tuple([await s.scalar(select(func.count()).select_from(t)) or 0
                      for t in (CaseRow, HistoryRow, OutboxRow, AuditRow)])


async def test_nul_in_a_comment_is_422_and_nothing_is_stored(
        client: tuple[object, httpx.AsyncClient]) -> None:
    app, http = client
    opened = await http.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                             data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert opened.status_code == 201, opened.text
    url = f"/cases/{opened.json()['id']}/actions"
    before = await _counts(app)
    refused = {}
    for name, comment in [("nul", "Berkas\x00 lengkap"), ("esc", "Berkas \x1b[31m"),
                          ("long", "x" * 4001)]:
        refused[name] = await http.post(url, headers=OPERATOR, json={
            "action": "teruskan", "step": "verifikasi_permohonan", "comment": comment})
    for response in refused.values():
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["field"] == "body.comment" or error["field"].endswith("comment")
    assert refused["nul"].json()["errors"][0]["problem"] == "control-characters"
    assert refused["nul"].json()["errors"][0]["message"] == \
        "Tidak boleh memuat karakter kendali."
    assert await _counts(app) == before
    multi_line = await http.post(url, headers=OPERATOR, json={
        "action": "teruskan", "step": "verifikasi_permohonan",
        "comment": "Berkas lengkap.\r\n\tSilakan lanjut."})
    assert multi_line.status_code == 200, multi_line.text


async def test_nul_in_a_sop_key_or_step_is_422(client: tuple[object, httpx.AsyncClient]) -> None:
    app, http = client
    opened = await http.post("/cases", headers=CITIZEN,
                             json={"sop_key": KIA + "\x00", "form": FORM})
    assert opened.status_code == 422
    assert opened.json()["errors"][0]["problem"] == "control-characters"
    assert await _counts(app) == (0, 0, 0, 0)


def _strings(annotation: object) -> bool:
    """Whether a field's type holds text (str, or a list of it)."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) is dict:
        return False  # the SOP form: shared.engine.submission checks its fields
    return any(_strings(a) for a in typing.get_args(annotation))


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
def test_every_text_field_of_the_request_schemas_is_bounded(model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        if not _strings(info.annotation):
            continue
        is_list = typing.get_origin(info.annotation) is list or any(
            typing.get_origin(a) is list for a in typing.get_args(info.annotation)
            if not isinstance(a, types.NoneType))
        for value, problem in [("x" * 5000, "too_long"),
                               ("ab\x00cd\x00", "control-characters")]:
            with pytest.raises(ValidationError) as refused:
                model.model_validate({name: [value] if is_list else value})
            problems = {e["type"] for e in refused.value.errors()
                        if e["loc"][0] == name}
            assert problems & {problem, "string_too_long"}, (name, problems)


async def test_a_search_query_with_control_characters_is_422(
        client: tuple[object, httpx.AsyncClient]) -> None:
    _, http = client
    assert (await http.get("/sops", params={"q": "kia"})).status_code == 200
    refused = await http.get("/sops", params={"q": "kia\x00"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["problem"] == "control-characters"
    assert (await http.get("/sops", params={"q": "k" * 201})).status_code == 422
