"""The real SP4N-LAPOR! adapter (httpx) against the local stand-in served over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.pengaduan.adapters.lapor import (
    HttpLapor,
    LaporRefused,
    LaporSettings,
    LaporUnavailable,
    lapor_settings_from_env,
)
from shared.settings import SettingsError
from tests.support.lapor_standin import LaporStandIn, laporan, serving

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[LaporStandIn, str]]:
    standin = LaporStandIn()
    with serving(standin) as url:
        yield standin, url


@pytest.fixture
async def lapor(served: tuple[LaporStandIn, str]) -> AsyncIterator[tuple[LaporStandIn,
                                                                            HttpLapor]]:
    standin, url = served
    standin.reset()
    client = HttpLapor(LaporSettings(url=url, token=standin.token), page_size=2)
    try:
        yield standin, client
    finally:
        await client.aclose()


def day(n: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, n, hour, 0, tzinfo=WIB)


async def test_pull_reads_every_page_oldest_first(lapor: tuple[LaporStandIn, HttpLapor]
                                                  ) -> None:
    """Five reports, two a page: three pages asked in order, all five read, the reporter of
    the anonymous one absent and the named one's fields kept."""
    standin, client = lapor
    for n in (5, 1, 4, 2, 3):
        standin.reports.append(laporan(f"LPR-{n}", day(n), kerahasiaan="anonim" if n == 2
                                       else "biasa",
                                       pelapor=None if n == 2 else {
                                           "id": f"u{n}", "nama": "Siti Aminah",
                                           "nik": "1801014101900001", "telepon": "0812000"}))
    got = await client.pull_assigned(None)
    assert [r.id for r in got] == ["LPR-1", "LPR-2", "LPR-3", "LPR-4", "LPR-5"]
    assert [c.split("?")[1].split("&")[1] for c in standin.calls] == [
        "halaman=1", "halaman=2", "halaman=3"]
    assert got[1].pelapor is None and got[1].kerahasiaan == "anonim"
    assert got[0].pelapor is not None and got[0].pelapor.nik == "1801014101900001"
    assert got[0].diteruskan_pada == day(1)


async def test_pull_since_asks_only_the_later_ones(lapor: tuple[LaporStandIn, HttpLapor]
                                                   ) -> None:
    standin, client = lapor
    standin.reports += [laporan("LPR-A", day(1)), laporan("LPR-B", day(3))]
    got = await client.pull_assigned(day(2))
    assert [r.id for r in got] == ["LPR-B"]
    assert "sejak=2026-12-02" in standin.calls[0]


async def test_push_is_idempotent_on_its_key(lapor: tuple[LaporStandIn, HttpLapor]) -> None:
    """The same key twice (a resend after a lost answer): one push, the same LAPOR! id."""
    standin, client = lapor
    standin.reports.append(laporan("LPR-9", day(1)))
    first = await client.push("tindak_lanjut", "LPR-9", "Diverifikasi.", day(2), "k-1", "PG-1")
    again = await client.push("tindak_lanjut", "LPR-9", "Diverifikasi.", day(2), "k-1", "PG-1")
    assert first == again
    assert [(p["laporan"], p["jenis"], p["referensi"]) for p in standin.pushed()] == [
        ("LPR-9", "tindak_lanjut", "PG-1")]
    await client.push("selesai", "LPR-9", "Selesai.", day(3), "k-2")
    assert [p["jenis"] for p in standin.pushed()] == ["tindak_lanjut", "selesai"]


async def test_errors_are_classified(lapor: tuple[LaporStandIn, HttpLapor],
                                     served: tuple[LaporStandIn, str]) -> None:
    """An outage (503) and a bad token (401) are retryable; an unknown report (404) is a
    refusal; a port nobody listens on is retryable too. No message carries a value sent."""
    standin, client = lapor
    standin.fail(503)
    with pytest.raises(LaporUnavailable, match="lapor-GANGGUAN"):
        await client.pull_assigned(None)
    with pytest.raises(LaporRefused, match="lapor-LAPORAN"):
        await client.push("selesai", "LPR-TIDAK-ADA", "Isi rahasia", day(1), "k-x")
    wrong = HttpLapor(LaporSettings(url=served[1], token="salah"))
    try:
        with pytest.raises(LaporUnavailable, match="lapor-TOKEN"):
            await wrong.pull_assigned(None)
    finally:
        await wrong.aclose()
    gone = HttpLapor(LaporSettings(url="http://127.0.0.1:9", token="t", timeout_s=1))
    try:
        with pytest.raises(LaporUnavailable, match="transport"):
            await gone.pull_assigned(None)
    finally:
        await gone.aclose()


def test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_PENGADUAN_LAPOR_URL", raising=False)
    assert lapor_settings_from_env() is None
    monkeypatch.setenv("HALO_PENGADUAN_LAPOR_URL", "https://lapor.example/")
    monkeypatch.delenv("HALO_PENGADUAN_LAPOR_TOKEN", raising=False)
    with pytest.raises(SettingsError):
        lapor_settings_from_env()
    monkeypatch.setenv("HALO_PENGADUAN_LAPOR_TOKEN", "rahasia")
    got = lapor_settings_from_env()
    assert got is not None and got.url == "https://lapor.example" and "rahasia" not in repr(got)
