"""The public bill check's limits (SQLite and PostgreSQL): per client address, per NOP from one
address, a higher limit inside a trusted network, the client address taken from the gateway's
X-Forwarded-For only when the peer is the gateway; 429 problem+json in Indonesian with
Retry-After. The clock is the service's, moved by hand."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from services.pajak.ratelimit import BillLimiter, BillLimits, parse_networks
from shared.settings import RateLimit, SettingsError
from tests.services.pajak.conftest import Pajak

NOPS = ("18.01.040.005.001-0123.0", "18.01.040.005.001-0124.0", "18.01.070.002.003-0045.0")
LIMITS = BillLimits(per_address=RateLimit(5, 60.0), per_nop=RateLimit(3, 60.0),
                    trusted_networks=parse_networks("10.20.0.0/16", "test"),
                    trusted_per_address=RateLimit(12, 60.0),
                    trusted_per_nop=RateLimit(8, 60.0))


def limited(p: Pajak) -> None:
    p.app.state.pajak_bill_limiter = BillLimiter(LIMITS)


async def check(p: Pajak, nop: str, client: str, tahun: int = 2026) -> httpx.Response:
    """As the gateway forwards it: from 127.0.0.1 with the caller in X-Forwarded-For."""
    return await p.client.get("/tagihan", params={"nop": nop, "tahun": tahun},
                              headers={"X-Forwarded-For": client})


def assert_429(got: httpx.Response, code: str, retry_after: int) -> None:
    assert got.status_code == 429, got.text
    assert got.headers["content-type"].startswith("application/problem+json")
    assert got.headers["retry-after"] == str(retry_after)
    body = got.json()
    assert body["code"] == code and body["title"] == "Terlalu banyak permintaan"
    assert f"Coba lagi dalam {retry_after} detik" in body["detail"]


async def test_an_address_gets_five_checks_a_minute(pajak: Pajak) -> None:
    """Five checks (over three NOPs, none more than twice) at 10:00:00-10:00:04 pass; the sixth
    is refused until the first leaves the minute: 60 - 5 = 55 s later; another address is
    not held; at 10:01:01 the first two have left, so the address may check again."""
    limited(pajak)
    start = pajak.clock.now
    for i in range(5):
        pajak.clock.now = start + timedelta(seconds=i)
        got = await check(pajak, NOPS[i % 3], "203.0.113.7")
        assert got.status_code == 200, got.text
    assert_429(await check(pajak, NOPS[2], "203.0.113.7"), "tagihan-terlalu-sering", 56)
    assert (await check(pajak, NOPS[2], "203.0.113.8")).status_code == 200
    pajak.clock.now = start + timedelta(seconds=61)
    assert (await check(pajak, NOPS[2], "203.0.113.7")).status_code == 200


async def test_one_nop_three_times_a_minute_from_one_address(pajak: Pajak) -> None:
    """A wrong year (no SPPT, 404) counts too: NOPs cannot be walked for free."""
    limited(pajak)
    for tahun in (2026, 2025, 2026):
        got = await check(pajak, NOPS[0], "203.0.113.9", tahun)
        assert got.status_code in (200, 404)
    refused = await check(pajak, NOPS[0].replace(".", ""), "203.0.113.9")  # same NOP, typed
    assert_429(refused, "tagihan-nop-terlalu-sering", 60)
    assert (await check(pajak, NOPS[1], "203.0.113.9")).status_code == 200
    assert (await check(pajak, NOPS[0], "203.0.113.10")).status_code == 200


async def test_a_trusted_network_gets_its_higher_limit(pajak: Pajak) -> None:
    """The BPPRD counter 10.20.1.5 checks one NOP 8 times and 12 in all; the ninth of the NOP
    and the thirteenth in all are refused."""
    limited(pajak)
    for _ in range(8):
        assert (await check(pajak, NOPS[0], "10.20.1.5")).status_code == 200
    assert_429(await check(pajak, NOPS[0], "10.20.1.5"), "tagihan-nop-terlalu-sering", 60)
    for nop in (*NOPS[1:], *NOPS[1:]):
        assert (await check(pajak, nop, "10.20.1.5")).status_code == 200
    assert_429(await check(pajak, NOPS[1], "10.20.1.5"), "tagihan-terlalu-sering", 60)


async def test_only_the_gateway_s_forwarded_address_is_believed(pajak: Pajak) -> None:
    """A peer that is not the gateway (198.51.100.9) naming a new address each time is still
    one client; from the gateway (127.0.0.1) without the header, the peer is the client."""
    limited(pajak)
    outsider = httpx.AsyncClient(transport=httpx.ASGITransport(
        app=pajak.app, client=("198.51.100.9", 40000)), base_url="http://svc")
    async with outsider:
        for i in range(5):
            got = await outsider.get("/tagihan", params={"nop": NOPS[i % 3], "tahun": 2026},
                                     headers={"X-Forwarded-For": f"10.20.0.{i}"})
            assert got.status_code == 200
        got = await outsider.get("/tagihan", params={"nop": NOPS[2], "tahun": 2026},
                                 headers={"X-Forwarded-For": "10.20.9.9"})
        assert_429(got, "tagihan-terlalu-sering", 60)
    for i in range(5):
        assert (await pajak.client.get("/tagihan", params={"nop": NOPS[i % 3], "tahun": 2026})
                ).status_code == 200
    assert (await pajak.client.get("/tagihan", params={"nop": NOPS[0], "tahun": 2026})
            ).status_code == 429


async def test_english_when_asked(pajak: Pajak) -> None:
    limited(pajak)
    for _ in range(3):
        await check(pajak, NOPS[0], "203.0.113.11")
    got = await pajak.client.get("/tagihan", params={"nop": NOPS[0], "tahun": 2026},
                                 headers={"X-Forwarded-For": "203.0.113.11",
                                          "Accept-Language": "en"})
    assert got.status_code == 429 and got.json()["detail"].startswith("Too many bill checks")


def test_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = BillLimits.from_env()
    assert (defaults.per_address, defaults.per_nop) == (RateLimit(30, 60.0), RateLimit(10, 60.0))
    assert defaults.trusted_networks == () and len(defaults.gateways) == 2
    monkeypatch.setenv("HALO_PAJAK_TAGIHAN_RATE", "60/60")
    monkeypatch.setenv("HALO_PAJAK_TAGIHAN_TRUSTED_NETWORKS", "10.20.0.0/16, 192.168.5.7")
    monkeypatch.setenv("HALO_GATEWAY_NETWORKS", "10.0.0.0/8")
    read = BillLimits.from_env()
    assert read.per_address == RateLimit(60, 60.0) and len(read.trusted_networks) == 2
    assert [str(n) for n in read.gateways] == ["10.0.0.0/8"]
    monkeypatch.setenv("HALO_PAJAK_TAGIHAN_NOP_RATE", "banyak")
    with pytest.raises(SettingsError, match="HALO_PAJAK_TAGIHAN_NOP_RATE"):
        BillLimits.from_env()
    monkeypatch.setenv("HALO_PAJAK_TAGIHAN_NOP_RATE", "10/60")
    monkeypatch.setenv("HALO_GATEWAY_NETWORKS", "gateway")
    with pytest.raises(SettingsError, match="HALO_GATEWAY_NETWORKS"):
        BillLimits.from_env()
