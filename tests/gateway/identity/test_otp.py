"""One-time codes by phone (gateway/otp): code through the WhatsApp stand-in, verification,
refusals (wrong, expired, void after too many tries), limits per number and per address
held in the database, and the reporter token refused by citizen routes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select

from gateway.otp.service import phone_sha256
from gateway.otp.settings import OtpSettings
from gateway.otp.tables import OtpCodeRow
from services.damkar.domain import normalise_phone
from shared.settings import RateLimit
from tests.support.damkar import PHONE, damkar_stack


async def test_code_through_whatsapp_then_a_reporter_token(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        sent = (await dk.ask_code("+62 812 3456 7890")).json()
        assert sent == {"terkirim": True, "berlaku_detik": 300}
        [message] = dk.standin.received
        assert message["to"] == "6281234567890" and message["type"] == "text"
        code = dk.last_code()
        token = (await dk.verify(code, "081234567890")).json()
        assert token["peran"] == "pelapor-darurat" and token["expires_in"] == 7200
        claims = jwt.decode(token["access_token"], options={"verify_signature": False})
        assert claims["roles"] == ["pelapor-darurat"] and claims["kind"] == "reporter"
        assert claims["phone_sha256"] == hashlib.sha256(b"+6281234567890").hexdigest()
        assert "6281234567890" not in claims["sub"] and claims["sub"].startswith("pd-")
        assert claims["exp"] - claims["iat"] == 7200
        async with dk.stack.runtime.sessions() as session:
            row = (await session.execute(select(OtpCodeRow))).scalar_one()
        assert row.used_at is not None and code not in row.code_hash
        await dk.verify(code, expect=400)  # spent: once only


async def test_the_same_number_gets_the_same_opaque_subject(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        first = await dk.reporter()
        second = await dk.reporter("6281234567890")
        def sub(h: dict[str, str]) -> str:
            return str(jwt.decode(h["Authorization"][7:],
                                  options={"verify_signature": False})["sub"])
        assert sub(first) == sub(second)


@pytest.mark.parametrize("phone", ["0212345678", "+1 202 555 0100", "08123", "abcdefghij",
                                   "0812345678901234"])
async def test_not_an_indonesian_mobile_number_is_a_field_problem(tmp_path: Path,
                                                                   phone: str) -> None:
    async with damkar_stack(tmp_path) as dk:
        response = await dk.ask_code(phone, expect=422)
        body = response.json()
        assert body["errors"][0]["field"].endswith("telepon")
        assert body["errors"][0]["problem"] in ("phone-format", "string_too_short")
        assert phone not in response.text and dk.standin.received == []


async def test_wrong_code_counts_and_voids_after_five(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        await dk.ask_code()
        code = dk.last_code()
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for left in (4, 3, 2, 1):
            body = (await dk.verify(wrong, expect=400)).json()
            assert body["code"] == "otp-wrong" and f": {left}." in body["detail"]
        assert (await dk.verify(wrong, expect=400)).json()["code"] == "otp-void"
        # the right code no longer works: void after five wrong tries
        assert (await dk.verify(code, expect=400)).json()["code"] == "otp-invalid"


async def test_an_expired_code_is_refused(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        await dk.ask_code()
        code = dk.last_code()
        dk.clock.advance(seconds=301)
        assert (await dk.verify(code, expect=400)).json()["code"] == "otp-expired"


async def test_a_new_code_voids_the_previous_one(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        await dk.ask_code()
        first = dk.last_code()
        await dk.ask_code()
        second = dk.last_code()
        if first != second:
            await dk.verify(first, expect=400)
        await dk.verify(second)


async def test_codes_per_number_are_limited_with_retry_after(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        for _ in range(3):
            await dk.ask_code()
        dk.clock.advance(seconds=100)
        refused = await dk.ask_code("+6281234567890", expect=429)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "otp-rate-limited"
        assert int(refused.headers["Retry-After"]) == 800  # 900 s window - 100 s passed
        assert len(dk.standin.received) == 3
        await dk.ask_code("081298765432")  # another number still gets one
        dk.clock.advance(seconds=801)
        await dk.ask_code()  # the window has passed


async def test_codes_per_address_are_limited(tmp_path: Path) -> None:
    conf = OtpSettings(per_address=RateLimit(2, 3600.0))
    async with damkar_stack(tmp_path, otp=conf) as dk:
        await dk.ask_code("081200000001")
        await dk.ask_code("081200000002")
        refused = await dk.ask_code("081200000003", expect=429)
        assert int(refused.headers["Retry-After"]) == 3600


async def test_the_number_limit_holds_across_gateway_replicas(tmp_path: Path) -> None:
    """Two gateways over one database: the per-number count is shared (a table)."""
    async with damkar_stack(tmp_path) as one:
        for _ in range(2):
            await one.ask_code()
        async with damkar_stack(tmp_path) as two:  # same gateway.db, a second process's view
            await two.ask_code()
            await two.ask_code(expect=429)
        await one.ask_code(expect=429)
        async with one.stack.runtime.sessions() as session:
            codes = (await session.execute(select(func.count()).select_from(OtpCodeRow))
                     ).scalar_one()
        assert codes == 3


async def test_the_reporter_token_opens_no_citizen_route(tmp_path: Path) -> None:
    """The reporter's token is scoped (``darurat-damkar``): no profile, no other SOP, no case
    list, no other service; only the damkar emergency routes take it (and the gateway's
    own-case list, which holds only the reporter's own reports)."""
    async with damkar_stack(tmp_path) as dk:
        citizen = dk.stack.headers("warga-1", "citizen")
        await dk.report(citizen, phone="081211112222")
        who = await dk.reporter()
        me = await dk.client.get("/api/v1/auth/me", headers=who)
        assert me.status_code in (401, 403, 404), me.text
        other = await dk.client.post("/api/v1/damkar/cases", headers=who, json={
            "sop_key": "damkar-narasumber-edukasi-dini", "form": {"nama_pemohon": "X"}})
        assert other.status_code == 401, other.text
        for path in ("/api/v1/damkar/cases",
                     "/api/v1/damkar/laporan/waktu-tanggap?bulan=2026-11",
                     "/api/v1/damkar/darurat"):
            refused = await dk.client.get(path, headers=who)
            assert refused.status_code == 401, (path, refused.text)
        await dk.stack.sync()
        mine = await dk.client.get("/api/v1/me/cases", headers=who)
        assert mine.status_code == 200 and mine.json()["items"] == []  # only their own


def test_the_gateway_and_damkar_normalise_a_number_alike() -> None:
    from gateway.identity.fields import normalize_phone
    for raw in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890",
                "0212345678", "+1 202 555 0100", "08123"):
        assert normalise_phone(raw) == normalize_phone(raw)
        if normalise_phone(raw):
            assert phone_sha256(normalise_phone(raw) or "") == hashlib.sha256(
                (normalise_phone(raw) or "").encode()).hexdigest()
    assert PHONE


async def test_without_whatsapp_the_development_maildir_catches_the_code(
        tmp_path: Path) -> None:
    """All-in-one and the local distributed mode: no WhatsApp, the e-mail channel is the
    Maildir; the code lands there, addressed to the number."""
    import mailbox

    from gateway.catalog.part import PART as CATALOG
    from gateway.identity.part import make_part as identity_part
    from gateway.notifications.part import make_part as notifications_part
    from gateway.notifications.settings import NotificationSettings
    from gateway.otp.part import make_part as otp_part
    from gateway.routing.part import PART as ROUTING
    from tests.gateway.identity.support import SETTINGS
    from tests.gateway.routing.harness import gateway_stack

    def parts(maildir: Path | None) -> list[object]:
        return [identity_part(SETTINGS), CATALOG,
                notifications_part(NotificationSettings(maildir=maildir)), otp_part(), ROUTING]

    async with gateway_stack(tmp_path, (), parts=lambda: parts(tmp_path / "mail")) as stack:
        sent = await stack.client.post("/api/v1/auth/otp", json={"telepon": PHONE,
                                                                 "tujuan": "darurat-damkar"})
        assert sent.status_code == 202, sent.text
        [mail] = list(mailbox.Maildir(tmp_path / "mail", create=False))
        assert mail["To"] == "+6281234567890"
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        code = next(w.strip(".") for w in body.split() if w.strip(".").isdigit())
        verified = await stack.client.post("/api/v1/auth/otp/verifikasi",
                                           json={"telepon": PHONE, "kode": code})
        assert verified.status_code == 200, verified.text
    (tmp_path / "prod").mkdir()
    async with gateway_stack(tmp_path / "prod", (), parts=lambda: parts(None)) as stack:
        refused = await stack.client.post("/api/v1/auth/otp", json={
            "telepon": PHONE, "tujuan": "darurat-damkar"})
        assert refused.status_code == 503 and refused.json()["code"] == "otp-channel-unavailable"
        assert refused.headers["Retry-After"] == "60"


async def test_a_failing_whatsapp_answers_503_and_keeps_no_code(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        dk.standin.fail(400)
        failed = await dk.ask_code(expect=503)
        assert failed.json()["code"] == "otp-send-failed"
        async with dk.stack.runtime.sessions() as session:
            assert (await session.execute(select(OtpCodeRow))).first() is None
