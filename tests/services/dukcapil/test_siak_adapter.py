"""The real SIAK adapter (httpx) against the local stand-in speaking the same protocol."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from services.dukcapil.adapters.siak import (
    HttpSiak,
    SiakDocument,
    SiakQuery,
    SiakRefused,
    SiakSettings,
    SiakUnavailable,
    siak_settings_from_env,
)
from shared.settings import SettingsError
from tests.support.siak_standin import Resident, SiakStandIn

NIK = "1801014505240001"
KK = "1801012202200003"


def standin() -> SiakStandIn:
    return SiakStandIn(residents={NIK: Resident(KK, "Siti Aminah", "2024-05-05")})


def adapter(stand: SiakStandIn, token: str | None = None) -> HttpSiak:
    settings = SiakSettings(url="http://siak.uji", token=token or stand.token)
    return HttpSiak(settings, transport=httpx.ASGITransport(app=stand.app()))


async def test_a_resident_is_found_and_compared_without_data_coming_back() -> None:
    stand = standin()
    siak = adapter(stand)
    answer = await siak.verify(SiakQuery(NIK, KK, "siti  AMINAH", date(2024, 5, 5)))
    assert answer.found and answer.status == "aktif" and answer.mismatched == []
    assert answer.as_data() == {"ditemukan": True, "status": "aktif",
                                "cocok": {"nomor_kk": True, "nama": True,
                                          "tanggal_lahir": True}}
    wrong = await siak.verify(SiakQuery(NIK, "1801012202200004", "Siti", None))
    assert wrong.mismatched == ["nomor_kk", "nama"]
    assert wrong.matches["tanggal_lahir"] is None  # not asked
    await siak.aclose()


async def test_an_unknown_nik_is_not_found() -> None:
    siak = adapter(standin())
    answer = await siak.verify(SiakQuery("1801010101230001"))
    assert not answer.found and answer.mismatched == ["nik"]
    await siak.aclose()


async def test_outages_and_bad_tokens_are_retryable_bad_requests_are_not() -> None:
    stand = standin()
    siak = adapter(stand)
    stand.fail(503, 429)
    for _ in range(2):
        with pytest.raises(SiakUnavailable):
            await siak.verify(SiakQuery(NIK))
    assert (await siak.verify(SiakQuery(NIK))).found
    with pytest.raises(SiakRefused, match="siak-NIK"):
        await siak.verify(SiakQuery("12"))
    bad = adapter(stand, token="salah")
    with pytest.raises(SiakUnavailable, match="siak-TOKEN"):
        await bad.verify(SiakQuery(NIK))
    await siak.aclose()
    await bad.aclose()


async def test_a_network_failure_is_retryable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    siak = HttpSiak(SiakSettings(url="http://siak.uji", token="t"),
                    transport=httpx.MockTransport(refuse))
    with pytest.raises(SiakUnavailable, match="transport-ConnectError"):
        await siak.verify(SiakQuery(NIK))
    await siak.aclose()


async def test_recording_is_idempotent_on_the_key() -> None:
    stand = standin()
    siak = adapter(stand)
    doc = SiakDocument(kind="kia", number="470/0001/DISDUKCAPIL/XII/2026", nik=NIK,
                       verify_code="DK-AAAAA-BBBBB-CCCCC-DDDDD", issued_on=date(2026, 12, 3),
                       reference="DK-7MQ3-XA9T")
    first = await siak.record(doc, "rec-1")
    again = await siak.record(doc, "rec-1")
    assert first == again and first.startswith("SIAK-")
    assert len(stand.documents) == 1
    assert stand.documents["rec-1"]["nomor_dokumen"] == doc.number
    with pytest.raises(SiakRefused, match="siak-NIK_TIDAK_ADA"):
        await siak.record(SiakDocument("kia", "470/0002/DISDUKCAPIL/XII/2026",
                                       "1801010101230001", None, date(2026, 12, 3), "x"),
                          "rec-2")
    await siak.aclose()


def test_settings_need_a_token_with_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_DUKCAPIL_SIAK_URL", raising=False)
    assert siak_settings_from_env() is None
    monkeypatch.setenv("HALO_DUKCAPIL_SIAK_URL", "https://siak.example.id/")
    monkeypatch.delenv("HALO_DUKCAPIL_SIAK_TOKEN", raising=False)
    with pytest.raises(SettingsError):
        siak_settings_from_env()
    monkeypatch.setenv("HALO_DUKCAPIL_SIAK_TOKEN", "rahasia")
    settings = siak_settings_from_env()
    assert settings is not None and settings.url == "https://siak.example.id"
    assert "rahasia" not in repr(settings)
