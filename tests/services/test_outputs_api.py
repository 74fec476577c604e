"""Output documents through the service API: the KIA walked to its TTE step issues a pending
document in the same transaction, the worker signs it, the applicant downloads a PDF whose
PAdES signature validates and whose QR code names the public verification page; the
agency's head revokes it; the check says valid, revoked, expired or unknown. On SQLite and
on PostgreSQL (integration tier)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from services.dukcapil.app import create_app
from shared.cases.pii import PiiCipher
from shared.db.tables import AuditRow, CaseRow, HistoryRow, OutboxRow
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner, SignerIdentity, SigningFailed
from shared.outputs.tables import CaseOutputRow
from shared.web.runtime import ServiceRuntime
from tests.shared.outputs.support import Clock, fresh_database, qr_texts, validate
from tests.support.apps import rolled_back, running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OTHER = TOKENS.headers("warga-b", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")
KADIS = TOKENS.headers("kadis-1", "disdukcapil:kepala_dinas")
FOREIGN_KADIS = TOKENS.headers("kadis-9", "dinkes:kepala_dinas")
NUMBER = re.compile(r"470/\d{4}/DISDUKCAPIL/XII/2026")
CA = LocalCa()


class Flaky:
    """A signer that fails ``failures`` times (a signing service that is down), then signs."""

    def __init__(self, inner: LocalSigner, failures: int) -> None:
        self.inner, self.failures = inner, failures

    async def sign(self, pdf: bytes, signer: SignerIdentity) -> bytes:
        if self.failures:
            self.failures -= 1
            raise SigningFailed("BSrE tidak dapat dihubungi: ConnectError")
        return await self.inner.sign(pdf, signer)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HALO_VAR_DIR", str(folder))
        patch.delenv("HALO_SIGNER", raising=False)
        yield folder


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def app_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                     var_dir: Path, clock: Clock
                     ) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("outputs")
    async with AsyncExitStack() as stack:
        if request.param == "postgresql":
            url = await stack.enter_async_context(fresh_database())
        else:
            url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
        app = create_app(service_settings("dukcapil", url, tmp), wiring(TOKENS, clock=clock))
        async with running(app) as client:
            yield app, client


@pytest.fixture
async def client(app_client: tuple[Any, httpx.AsyncClient], clock: Clock
                 ) -> AsyncIterator[httpx.AsyncClient]:
    app, http = app_client
    start = clock.now
    outputs = runtime_of(app).outputs
    assert outputs is not None
    outputs.worker.signer = LocalSigner(CA)
    original = outputs.worker.sessions
    async with rolled_back(app):
        outputs.worker.sessions = runtime_of(app).sessions  # the test's rolled-back binding
        try:
            yield http
        finally:
            outputs.worker.sessions = original
    clock.now = start


def _runtime(app_client: tuple[Any, httpx.AsyncClient]) -> ServiceRuntime:
    return runtime_of(app_client[0])


async def _walk_to_tte(client: httpx.AsyncClient) -> dict[str, Any]:
    opened = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                               data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    url = f"/cases/{case['id']}/actions"
    for who, action in ((OPERATOR, "teruskan"), (OPERATOR, "lengkap"),
                        (KABID, "sampaikan_ke_kadis"), (KADIS, "tte")):
        assert case["outputs"] == []
        moved = await client.post(url, headers=who, json={"action": action})
        assert moved.status_code == 200, moved.text
        case = moved.json()
    [pending] = case["outputs"]  # in the very response of the step that issued it
    assert (pending["status"], pending["url"]) == ("pending", None)
    return case


async def _issued(client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    case = await _walk_to_tte(client)
    outputs = _runtime(app_client).outputs
    assert outputs is not None
    assert await outputs.worker.run_once() == 1
    [output] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    return case, output


async def _events(runtime: ServiceRuntime, case_id: str) -> list[dict[str, Any]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(col(OutboxRow.key) == case_id)
                                     .order_by(col(OutboxRow.id)))
        return [json.loads(r.payload) for r in rows]


async def test_the_tte_step_issues_a_pending_numbered_output_in_its_transaction(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    case = await _walk_to_tte(client)
    [output] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    assert output["status"] == "pending" and output["pdf_url"] is None
    assert NUMBER.fullmatch(output["number"]), output["number"]
    assert output["kind"] == "tanda_terima_dokumen"
    assert output["title"] == "Kartu Identitas Anak (KIA)"
    assert output["holder"] == "S*** A***"
    assert output["signer_role"] == "kepala_dinas"
    assert re.fullmatch(r"DK(-[0-9A-HJKMNP-TV-Z]{5}){4}", output["verify_code"])
    async with _runtime(app_client).sessions() as session:
        row = await session.get(CaseOutputRow, output["id"])
        assert row is not None and row.signer_id == "kadis-1"
        assert FORM["nama_anak"] not in json.dumps(row.model_dump(mode="json"))
    pdf = await client.get(f"/cases/{case['id']}/outputs/{output['id']}/pdf", headers=CITIZEN)
    assert pdf.status_code == 409 and pdf.json()["code"] == "output-not-ready"


async def test_the_worker_signs_and_the_applicant_downloads_a_valid_pdf(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    case, output = await _issued(client, app_client)
    assert output["status"] == "issued" and output["sha256"]
    [summary] = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()["outputs"]
    assert (summary["status"], summary["url"]) == ("issued", output["pdf_url"])
    response = await client.get(output["pdf_url"], headers=CITIZEN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == \
        f'attachment; filename="{output["number"].replace("/", "-")}.pdf"'
    pdf = response.content
    status = await validate(pdf, CA)
    assert status.intact and status.valid and status.trusted
    assert qr_texts(pdf) == [f"http://127.0.0.1:8000/verify/{output['verify_code']}"]
    assert hashlib.sha256(pdf).hexdigest() == output["sha256"]
    for who in (OTHER, FOREIGN_KADIS):
        denied = await client.get(output["pdf_url"], headers=who)
        assert denied.status_code == 404 and denied.json()["code"] == "case-not-found"
    check = (await client.get(f"/outputs/verify/{output['verify_code']}")).json()
    assert check["status"] == "valid" and check["valid"] is True
    assert check["number"] == output["number"] and check["sha256"] == output["sha256"]
    assert check["agency_name"] == "Dinas Kependudukan dan Pencatatan Sipil"
    assert check["signer"]["jabatan"] == "Kepala Dinas" and check["holder"] == "S*** A***"
    assert check["issued_at"]


async def test_issue_is_in_the_history_and_events_without_personal_data(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    case, output = await _issued(client, app_client)
    runtime = _runtime(app_client)
    async with runtime.sessions() as session:
        history = list(await session.scalars(select(HistoryRow).where(
            col(HistoryRow.case_id) == case["id"]).order_by(col(HistoryRow.seq))))
    assert [h.seq for h in history] == list(range(1, len(history) + 1))
    assert history[-1].event == "case.output_issued" and history[-1].actor_id == "system"
    events = await _events(runtime, case["id"])
    assert [e["seq"] for e in events] == [h.seq for h in history]
    issued = events[-1]
    assert issued["type"] == "case.output_issued"
    assert issued["data"]["output"] == {k: output[k] for k in
                                        ("id", "kind", "title", "number", "verify_code")}
    text = json.dumps(events)
    for value in (FORM["nik_anak"], FORM["nomor_kk"], FORM["nama_anak"], "Siti"):
        assert value not in text


async def test_revoke_needs_the_head_of_the_issuing_agency_and_a_reason(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    case, output = await _issued(client, app_client)
    url = f"/cases/{case['id']}/outputs/{output['id']}/revoke"
    body = {"reason": "Data tidak sesuai SIAK, NIK 1801014505240001 keliru"}
    for who, status, code in ((OPERATOR, 403, "forbidden"), (CITIZEN, 403, "forbidden"),
                              (FOREIGN_KADIS, 404, "case-not-found")):
        refused = await client.post(url, headers=who, json=body)
        assert (refused.status_code, refused.json()["code"]) == (status, code)
    short = await client.post(url, headers=KADIS, json={"reason": "  no  "})
    assert short.status_code == 422
    revoked = await client.post(url, headers=KADIS, json=body)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    again = await client.post(url, headers=KABID, json=body)
    assert again.status_code == 409 and again.json()["code"] == "output-not-revocable"
    check = (await client.get(f"/outputs/verify/{output['verify_code']}")).json()
    assert check["status"] == "revoked" and check["valid"] is False and check["revoked_at"]
    assert check["revoke_reason"] == "Data tidak sesuai SIAK, NIK [disamarkan] keliru"
    runtime = _runtime(app_client)
    events = await _events(runtime, case["id"])
    assert events[-1]["type"] == "case.output_revoked"
    assert events[-1]["data"]["output"] == {"id": output["id"], "number": output["number"]}
    assert FORM["nik_anak"] not in json.dumps(events)
    async with runtime.sessions() as session:
        audit = list(await session.scalars(select(AuditRow).where(
            col(AuditRow.action) == "output.revoked")))
    assert [a.actor_id for a in audit] == ["kadis-1"]
    assert audit[0].target == f"output/{output['id']}"


async def test_verification_of_unknown_forged_and_expired_codes(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient],
        clock: Clock) -> None:
    for code in ("DK-00000-00000-00000-00000", "bukan-kode", "DK-ABCDE"):
        unknown = await client.get(f"/outputs/verify/{code}")
        assert unknown.status_code == 404 and unknown.json()["code"] == "output-unknown"
        assert "tidak dikenal" in unknown.json()["detail"]
    _, output = await _issued(client, app_client)
    runtime = _runtime(app_client)
    async with runtime.sessions() as session:
        row = await session.get(CaseOutputRow, output["id"])
        assert row is not None
        row.valid_until = clock.now + timedelta(days=30)
        await session.commit()
    lower = output["verify_code"].lower().replace("0", "o")
    assert (await client.get(f"/outputs/verify/{lower}")).json()["status"] == "valid"
    clock.advance(days=31)
    expired = (await client.get(f"/outputs/verify/{output['verify_code']}")).json()
    assert expired["status"] == "expired" and expired["valid"] is False


async def test_a_failing_signer_is_retried_with_backoff_and_the_row_kept(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient],
        clock: Clock) -> None:
    case = await _walk_to_tte(client)
    outputs = _runtime(app_client).outputs
    assert outputs is not None
    outputs.worker.signer = Flaky(LocalSigner(CA), failures=2)
    assert await outputs.worker.run_once() == 0
    [first] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    assert first["status"] == "pending"
    async with _runtime(app_client).sessions() as session:
        row = await session.get(CaseOutputRow, first["id"])
        assert row is not None and row.attempts == 1
        assert row.last_error == "SigningFailed: BSrE tidak dapat dihubungi: ConnectError"
        assert row.next_attempt_at is not None and row.next_attempt_at > clock.now
    assert await outputs.worker.run_once() == 0  # not due yet: the backoff holds
    assert await outputs.worker.backlog() == 1
    clock.advance(seconds=6)
    assert await outputs.worker.run_once() == 0  # second failure, longer backoff
    clock.advance(seconds=11)
    assert await outputs.worker.run_once() == 1
    [done] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    assert done["status"] == "issued" and done["number"] == first["number"]
    assert await outputs.worker.backlog() == 0
    async with _runtime(app_client).sessions() as session:
        row = await session.get(CaseOutputRow, first["id"])
        assert row is not None and row.attempts == 3 and row.last_error is None


class GoesAway:
    """A signer that signs, and meanwhile the database goes away: the worker's sessions refuse
    to connect until :meth:`back`, as while PostgreSQL restarts."""

    def __init__(self, inner: LocalSigner, worker: Any) -> None:
        self.inner, self.worker, self.sessions = inner, worker, worker.sessions

    async def sign(self, pdf: bytes, signer: SignerIdentity) -> bytes:
        self.worker.sessions = self._refused
        return await self.inner.sign(pdf, signer)

    @staticmethod
    def _refused() -> Any:
        raise ConnectionRefusedError(111, "Connect call failed")

    def back(self) -> None:
        self.worker.sessions = self.sessions


async def test_a_failure_the_database_was_away_for_is_recorded_once_it_is_back(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient],
        clock: Clock) -> None:
    """The database goes while a claimed output is signed: its finish and the record of that
    failure both fail. The worker keeps the failure and writes it at its first pass with the
    database back, so the output is retried after its backoff (5 s), not after its claim's
    lease (5 minutes)."""
    case = await _walk_to_tte(client)
    outputs = _runtime(app_client).outputs
    assert outputs is not None
    away = GoesAway(LocalSigner(CA), outputs.worker)
    outputs.worker.signer = away
    assert await outputs.worker.run_once() == 0
    with pytest.raises(ConnectionRefusedError):
        await outputs.worker.run_once()  # still away: the kept failure cannot be written
    away.back()
    outputs.worker.signer = LocalSigner(CA)
    [pending] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    async with _runtime(app_client).sessions() as session:
        row = await session.get(CaseOutputRow, pending["id"])
        assert row is not None and row.attempts == 1 and row.last_error is None
        assert row.next_attempt_at is not None
        assert row.next_attempt_at >= clock.now + timedelta(seconds=299)  # the claim's lease
    assert await outputs.worker.run_once() == 0  # the failure written: its backoff now
    async with _runtime(app_client).sessions() as session:
        row = await session.get(CaseOutputRow, pending["id"])
        assert row is not None and row.next_attempt_at is not None
        assert row.last_error == "ConnectionRefusedError: [Errno 111] Connect call failed"
        assert row.next_attempt_at <= clock.now + timedelta(seconds=5)
    clock.advance(seconds=6)
    assert await outputs.worker.run_once() == 1
    [done] = (await client.get(f"/cases/{case['id']}/outputs", headers=CITIZEN)).json()
    assert done["status"] == "issued" and done["number"] == pending["number"]


async def test_an_output_whose_case_cannot_be_read_never_holds_up_the_others(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient],
        clock: Clock) -> None:
    """A pending output whose case form the key cannot open (stale data under another key)
    is kept with its error and backs off; the other outputs of the same pass are signed."""
    bad = await _walk_to_tte(client)
    good = await _walk_to_tte(client)
    runtime = _runtime(app_client)
    outputs = runtime.outputs
    assert outputs is not None
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, bad["id"])
        assert row is not None
        other = PiiCipher(b"o" * 32)  # sealed under another key, as after a wrong restore
        row.form = {name: other.encrypt(str(value)) if isinstance(value, str) else value
                    for name, value in runtime.cases.cipher.open_form(
                        row.form, frozenset(row.form)).items()}
        session.add(row)
        await session.commit()
    assert await outputs.worker.run_once() == 1
    [issued] = (await client.get(f"/cases/{good['id']}/outputs", headers=CITIZEN)).json()
    assert issued["status"] == "issued"
    [held] = (await client.get(f"/cases/{bad['id']}/outputs", headers=OPERATOR)).json()
    assert held["status"] == "pending"
    async with runtime.sessions() as session:
        out = await session.get(CaseOutputRow, held["id"])
        assert out is not None and out.attempts == 1 and out.last_error
        assert out.next_attempt_at is not None and out.next_attempt_at > clock.now
    assert await outputs.worker.run_once() == 0  # backing off, and nothing else blocked
    assert await outputs.worker.backlog() == 1
