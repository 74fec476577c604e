"""The Open311 facade and its key routes through the ASGI transport, on SQLite and (integration
tier) PostgreSQL: keys hashed, shown once, scoped and audited; a POST opens a case for the
key's subject with the reporter's data sealed; every refusal answers the spec's error shape
and writes nothing; GET requests filters and shows no personal data; an SOP published later
is offered without a code change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.pengaduan import anonymity, open311_views
from services.pengaduan.open311_tables import Open311KeyRow, Open311RequestRow, Open311TokenRow
from shared.db.tables import AuditRow, CaseRow
from tests.services.pengaduan.open311_harness import (
    BASE,
    CITIZEN,
    INSPEKTORAT,
    INSPEKTORAT_POST,
    KOMINFO_ADMIN,
    PDAM,
    PDAM_ADMIN,
    PDAM_OFFICER,
    PDAM_POST,
    PPPA,
    RSUD,
    TOKENS,
    new_key,
    pengaduan,
)
from tests.support.apps import runtime_of

PERSONAL = ("Siti", "Aminah", "081234567890", "siti@example.id", "dev-77", "acc-9")
RSUD_POST: dict[str, str] = {
    "service_code": RSUD, "address_string": "Instalasi Rawat Jalan",
    "first_name": "Budi", "phone": "+6281299887766",
    "description": "Antrean pendaftaran BPJS lebih dari empat jam.",
    "attribute[nik_pengadu]": "1801014505900001", "attribute[hubungan]": "pasien",
    "attribute[sifat_pengaduan]": "keluhan",
    "attribute[kelompok_pelayanan]": "manajemen_administrasi",
    "attribute[perihal]": "Antrean BPJS", "attribute[tanggal_kejadian]": "2026-11-28",
}
PPPA_POST: dict[str, str] = {
    "service_code": PPPA, "lat": "-5.71", "long": "105.60",
    "address_string": "Desa Way Urang", "first_name": "Rina", "phone": "081311112222",
    "description": "Kekerasan terhadap anak tetangga.",
    "attribute[asal]": "Way Urang", "attribute[status_perkawinan]": "kawin",
    "attribute[hubungan_dengan_korban]": "saksi",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'pengaduan.db'}"


@pytest.fixture
async def svc(url: str, tmp_path: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with pengaduan(url, tmp_path) as pair:
        yield pair


async def _rows(app: FastAPI, model: Any) -> list[Any]:
    async with runtime_of(app).sessions() as s:
        return list((await s.scalars(select(model))).all())


async def _count(app: FastAPI, model: Any) -> int:
    async with runtime_of(app).sessions() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def _post(client: httpx.AsyncClient, key: str, data: dict[str, str], fmt: str = "json",
                **headers: str) -> httpx.Response:
    return await client.post(f"{BASE}/requests.{fmt}", data={**data, "api_key": key},
                             headers=headers)


def _errors(response: httpx.Response, status: int) -> list[str]:
    """The descriptions of a GeoReport error answer (never problem+json)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and body and all(e["code"] == status for e in body)
    return [e["description"] for e in body]


async def test_keys_are_hashed_shown_once_scoped_and_audited(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = svc
    assert (await client.post("/open311/kunci", json={"label": "x", "partner": "p"},
                              headers=CITIZEN)).status_code == 403
    assert (await client.get("/open311/kunci")).status_code == 401
    refused = await client.post("/open311/kunci", json={"label": "x", "partner": "Mitra"},
                                headers=PDAM_ADMIN)  # a partner key: Diskominfo's call
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.post("/open311/kunci", json={"label": "x", "agency": "dlh"},
                              headers=PDAM_ADMIN)).status_code == 403
    both = await client.post("/open311/kunci", json={"label": "x", "agency": "pdam",
                                                     "partner": "p"}, headers=KOMINFO_ADMIN)
    assert (both.status_code, both.json()["code"]) == (422, "open311-key-binding")
    unknown = await client.post("/open311/kunci", json={"label": "x", "agency": "nasa"},
                                headers=KOMINFO_ADMIN)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "open311-key-agency-unknown")

    pdam_key = await new_key(client, PDAM_ADMIN, label="Aplikasi PDAM", agency="pdam")
    partner = await new_key(client)
    assert pdam_key["key"].startswith("o311_") and pdam_key["prefix"] == pdam_key["key"][:12]
    assert pdam_key["subject"] == f"open311:{pdam_key['id']}"
    stored = {r.id: r for r in await _rows(app, Open311KeyRow)}
    assert stored[pdam_key["id"]].key_hash == hashlib.sha256(
        pdam_key["key"].encode()).hexdigest()
    for row in stored.values():  # the key itself is kept nowhere
        assert pdam_key["key"] not in json.dumps(row.model_dump(), default=str)
        assert partner["key"] not in json.dumps(row.model_dump(), default=str)

    listed = (await client.get("/open311/kunci", headers=PDAM_ADMIN)).json()
    assert [k["id"] for k in listed] == [pdam_key["id"]] and "key" not in listed[0]
    everything = (await client.get("/open311/kunci", headers=KOMINFO_ADMIN)).json()
    assert {k["id"] for k in everything} == {pdam_key["id"], partner["id"]}

    assert (await client.delete(f"/open311/kunci/{partner['id']}",
                                headers=PDAM_ADMIN)).status_code == 404
    assert (await _post(client, pdam_key["key"], PDAM_POST)).status_code == 200
    revoked = await client.delete(f"/open311/kunci/{pdam_key['id']}", headers=PDAM_ADMIN)
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == "adm-pdam"
    assert "tidak sah" in _errors(await _post(client, pdam_key["key"], PDAM_POST), 403)[0]

    audit = [a for a in await _rows(app, AuditRow) if a.action.startswith("open311.key")]
    assert sorted(a.action for a in audit) == ["open311.key_created", "open311.key_created",
                                               "open311.key_revoked"]
    assert all(pdam_key["key"] not in json.dumps(a.detail) for a in audit)


async def test_a_post_opens_a_case_for_the_key_s_subject_with_personal_data_sealed(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = svc
    key = await new_key(client)
    posted = await _post(client, key["key"], PDAM_POST)
    assert posted.status_code == 200, posted.text
    [answer] = posted.json()
    case = (await _rows(app, CaseRow))[0]
    assert answer["service_request_id"] == case.tracking_no and answer["account_id"] is None
    assert case.applicant_id == key["subject"] and case.sop_key == PDAM
    assert case.form["uraian"] == PDAM_POST["description"]
    assert case.form["jenis_permasalahan"] == "teknis"
    assert case.form["tanggal_kejadian"] == "2026-11-30"
    stored = json.dumps(case.form)
    assert all(p not in stored for p in PERSONAL)  # name, phone sealed in the form
    cipher = runtime_of(app).cases.cipher
    assert cipher.decrypt(case.form["nama_pelapor"]) == "Siti Aminah"
    assert cipher.decrypt(case.form["telepon_pelapor"]) == "081234567890"
    [kept] = await _rows(app, Open311RequestRow)
    assert (kept.lat, kept.long, kept.key_id) == (-5.7283, 105.5923, key["id"])
    assert kept.contact is not None and all(p not in kept.contact for p in PERSONAL)
    assert json.loads(cipher.decrypt(kept.contact)) == {
        "email": "siti@example.id", "first_name": "Siti", "last_name": "Aminah",
        "phone": "081234567890", "device_id": "dev-77", "account_id": "acc-9"}
    [audit] = [a for a in await _rows(app, AuditRow) if a.action == "open311.request_posted"]
    assert audit.target == f"case/{case.id}" and audit.detail["key"] == key["id"]

    token = await client.get(f"{BASE}/tokens/{answer['token']}.json")
    assert token.json() == [{"service_request_id": case.tracking_no, "token": answer["token"]}]
    one = await client.get(f"{BASE}/requests/{case.tracking_no}.json")
    assert one.status_code == 200
    assert all(p not in one.text for p in PERSONAL)  # never echoed
    [view] = one.json()
    assert (view["status"], view["service_code"], view["lat"]) == ("open", PDAM, -5.7283)
    assert view["description"] == PDAM_POST["description"]
    assert view["address"] == PDAM_POST["address_string"]
    assert view["status_notes"].startswith("Menerima pengaduan")
    assert view["expected_datetime"] is not None
    # the agency's desk sees the case in its inbox, as any complaint
    inbox = (await client.get("/cases", params={"scope": "inbox"}, headers=PDAM_OFFICER)).json()
    assert [c["tracking_no"] for c in inbox["items"]] == [case.tracking_no]


async def test_refusals_answer_the_spec_s_error_shape_and_write_nothing(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = svc
    key = (await new_key(client))["key"]
    pdam_only = (await new_key(client, PDAM_ADMIN, label="PDAM", agency="pdam"))["key"]
    _errors(await client.post(f"{BASE}/requests.json", data=PDAM_POST), 403)  # no api_key
    _errors(await _post(client, key, {**PDAM_POST, "jurisdiction_id": "jakarta.go.id"}), 404)
    _errors(await _post(client, key, {k: v for k, v in PDAM_POST.items()
                                      if k != "service_code"}), 400)
    _errors(await _post(client, key, {**PDAM_POST, "service_code": "tidak-ada"}), 404)
    _errors(await _post(client, key, {**PDAM_POST, "service_code": "satpolpp-pengaduan"}), 404)
    assert "pdam" in _errors(await _post(client, pdam_only, RSUD_POST), 403)[0]
    nowhere = {k: v for k, v in PDAM_POST.items() if k not in ("lat", "long", "address_string")}
    assert "lat" in _errors(await _post(client, key, nowhere), 400)[0]
    _errors(await _post(client, key, {**nowhere, "lat": "-5.7"}), 400)  # lat without long
    _errors(await _post(client, key, {**PDAM_POST, "lat": "95", "long": "105"}), 400)
    _errors(await _post(client, key, {**PDAM_POST, "lat": "nan", "long": "105"}), 400)
    wrong = await _post(client, key, {**PDAM_POST, "attribute[zzz]": "1",
                                      "attribute[jenis_permasalahan]": "bocor"})
    assert [d.split(":")[0] for d in _errors(wrong, 400)] == ["attribute[jenis_permasalahan]",
                                                              "attribute[zzz]"]
    missing = {k: v for k, v in PDAM_POST.items() if k not in ("phone", "attribute[perihal]")}
    assert sorted(d.split(":")[0] for d in _errors(await _post(client, key, missing), 400)) == [
        "attribute[perihal]", "phone"]
    assert _errors(await _post(client, key, {**PDAM_POST, "phone": "12"}), 400)[0].startswith(
        "phone:")
    too_long = _errors(await _post(client, key, {**PDAM_POST, "description": "a" * 4001}), 400)
    assert "description" in too_long[0]
    english = await _post(client, key, nowhere, **{"Accept-Language": "en"})
    assert "A location is required" in _errors(english, 400)[0]
    xml = await _post(client, key, nowhere, fmt="xml")
    assert xml.status_code == 400 and xml.headers["content-type"].startswith("text/xml")
    assert "<errors>" in xml.text and "<code>400</code>" in xml.text
    bad_fmt = await client.post(f"{BASE}/requests.csv", data={**PDAM_POST, "api_key": key})
    _errors(bad_fmt, 404)
    assert await _count(app, CaseRow) == 0
    assert await _count(app, Open311RequestRow) == 0 and await _count(app, Open311TokenRow) == 0


async def _reject(client: httpx.AsyncClient, case_id: str) -> None:
    done = await client.post(f"/cases/{case_id}/actions", headers=PDAM_OFFICER, json={
        "action": "tolak", "step": "penerimaan", "comment": "Bukan wilayah layanan PDAM."})
    assert done.status_code == 200, done.text


async def test_get_requests_filters_and_hides_what_is_not_public(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = svc
    key = (await new_key(client))["key"]
    ids = {}
    for name, data in (("pdam", PDAM_POST), ("insp", INSPEKTORAT_POST), ("rsud", RSUD_POST),
                       ("pppa", PPPA_POST)):
        posted = await _post(client, key, data)
        assert posted.status_code == 200, posted.text
        ids[name] = posted.json()[0]["service_request_id"]
    cases = {c.tracking_no: c for c in await _rows(app, CaseRow)}
    await _reject(client, cases[ids["pdam"]].id)

    async def listed(**params: str) -> list[dict[str, Any]]:
        got = await client.get(f"{BASE}/requests.json", params=params)
        assert got.status_code == 200, got.text
        found: list[dict[str, Any]] = got.json()
        return found

    assert {r["service_request_id"] for r in await listed()} == set(ids.values())
    assert [r["service_request_id"] for r in await listed(service_code=PDAM)] == [ids["pdam"]]
    closed = await listed(status="closed")
    assert [(r["service_request_id"], r["status"]) for r in closed] == [(ids["pdam"], "closed")]
    assert closed[0]["status_notes"] == "Pengaduan tidak dapat ditindaklanjuti."
    assert closed[0]["expected_datetime"] is None
    assert {r["service_request_id"] for r in await listed(status="open")} == {
        ids["insp"], ids["rsud"], ids["pppa"]}
    both = await listed(service_request_id=f"{ids['rsud']},{ids['insp']}", service_code=PDAM)
    assert {r["service_request_id"] for r in both} == {ids["rsud"], ids["insp"]}  # overrides
    assert await listed(start_date="2020-01-01T00:00:00Z", end_date="2020-03-01T00:00:00Z") == []
    by = {r["service_request_id"]: r for r in await listed()}
    assert by[ids["insp"]]["description"] == ""  # an anonymous report: its text is not shown
    assert by[ids["insp"]]["address"] == INSPEKTORAT_POST["address_string"]
    assert by[ids["rsud"]]["description"] == RSUD_POST["description"]
    pppa = by[ids["pppa"]]  # violence against women and children: neither text nor place
    assert (pppa["description"], pppa["address"], pppa["lat"], pppa["long"]) == ("", None, None,
                                                                                  None)
    async with runtime_of(app).sessions() as s:  # a report LAPOR! marks secret
        await anonymity.set_level(s, cases[ids["rsud"]].id, "rahasia", "lapor",
                                  runtime_of(app).clock())
        await s.commit()
    [rsud] = (await client.get(f"{BASE}/requests/{ids['rsud']}.json")).json()
    assert rsud["description"] == "" and rsud["address"] == RSUD_POST["address_string"]
    text = json.dumps(by)
    for secret in ("Budi", "1801014505900001", "+6281299887766", "Rina", "081311112222",
                   "Kekerasan terhadap anak", *PERSONAL):
        assert secret not in text

    for params, status in (({"start_date": "2026-01-01"}, 400),
                           ({"start_date": "2026-01-01T00:00:00Z",
                             "end_date": "2026-06-01T00:00:00Z"}, 400),  # 151 days > 90
                           ({"start_date": "2026-03-01T00:00:00Z",
                             "end_date": "2026-02-01T00:00:00Z"}, 400),  # start after end
                           ({"status": "pending"}, 400),
                           ({"jurisdiction_id": "bandung.go.id"}, 404),
                           ({"start_date": "x" * 41}, 400)):
        _errors(await client.get(f"{BASE}/requests.json", params=params), status)
    _errors(await client.get(f"{BASE}/requests/PG-0000-0000.json"), 404)
    _errors(await client.get(f"{BASE}/tokens/tidak-ada.json"), 404)
    _errors(await client.get(f"{BASE}/services/satpolpp-pengaduan.json"), 404)


async def test_an_answer_holds_at_most_the_cap_newest_first(
        svc: tuple[FastAPI, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec's cap is 1000; lowered to 2 here, three requests answer the two newest."""
    _, client = svc
    key = (await new_key(client))["key"]
    made = [(await _post(client, key, PDAM_POST)).json()[0]["service_request_id"]
            for _ in range(3)]
    monkeypatch.setattr(open311_views, "MAX_RESULTS", 2)
    listed = (await client.get(f"{BASE}/requests.json")).json()
    assert [r["service_request_id"] for r in listed] == made[:0:-1]


async def test_a_case_opened_through_halo_lamsel_is_a_request_too(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _, client = svc
    form = {"nama_pengadu": "Ani", "nik_pengadu": "1801014505900001",
            "telepon_pengadu": "081255556666", "hubungan": "pasien",
            "sifat_pengaduan": "keluhan", "kelompok_pelayanan": "manajemen_administrasi",
            "perihal": "Obat kosong", "uraian": "Obat resep tidak tersedia di apotek.",
            "tanggal_kejadian": "2026-11-29", "lokasi_kejadian": "Apotek rawat jalan"}
    opened = await client.post("/cases", headers=TOKENS.headers("warga-7", "citizen"),
                               json={"sop_key": RSUD, "form": form})
    assert opened.status_code == 201, opened.text
    tracking = opened.json()["tracking_no"]
    [view] = (await client.get(f"{BASE}/requests/{tracking}.json")).json()
    assert view["description"] == form["uraian"] and view["address"] == "Apotek rawat jalan"
    assert view["lat"] is None and "Ani" not in json.dumps(view)


async def test_a_complaint_sop_published_later_is_offered_without_a_code_change(
        svc: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _, client = svc
    source = Path(__file__).parents[3] / "services" / "pengaduan" / "sops"
    text = (source / "satpolpp-pengaduan.yaml").read_text(encoding="utf-8")
    text = text.replace("key: satpolpp-pengaduan\n", "key: pengaduan-satpolpp-daring\n", 1)
    text = text.replace("{key: identitas_diri, label: Identitas diri (KTP)}",
                        "{key: identitas_diri, label: Identitas diri (KTP), required: false}")
    before = [s["service_code"] for s in (await client.get(f"{BASE}/services.json")).json()]
    assert "pengaduan-satpolpp-daring" not in before
    published = await client.post("/sops", content=text.encode(), headers={
        **TOKENS.headers("adm-pp", "satpolpp:admin"), "Content-Type": "application/yaml"})
    assert published.status_code == 201, published.text
    after = [s["service_code"] for s in (await client.get(f"{BASE}/services.json")).json()]
    assert after == sorted([*before, "pengaduan-satpolpp-daring"])
    definition = (await client.get(f"{BASE}/services/pengaduan-satpolpp-daring.json")).json()
    assert "jenis_pengaduan" in [a["code"] for a in definition["attributes"]]
    assert INSPEKTORAT in after
