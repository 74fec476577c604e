"""The gateway tells a service who its caller is (``X-Forwarded-For``, set by the gateway,
never the caller's own), and the pajak bill check limits that caller: two callers behind the
same gateway have their own windows, and a caller cannot pick another address by sending
the header itself."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.gateway.routing.harness import gateway_stack

NOP = "18.01.040.005.001-0123.0"


async def test_the_bill_check_limits_the_caller_the_gateway_saw(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_PAJAK_TAGIHAN_NOP_RATE", "2/60")
    async with gateway_stack(tmp_path, ("pajak",)) as stack:
        def caller(address: str) -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=httpx.ASGITransport(
                app=stack.gateway, client=(address, 50000)), base_url="http://gateway")

        async with caller("203.0.113.50") as first, caller("203.0.113.51") as second:
            url, query = "/api/v1/pajak/tagihan", {"nop": NOP, "tahun": 2026}
            for forged in ("10.9.9.1", "10.9.9.2"):  # no SPPT here: 404, counted all the same
                got = await first.get(url, params=query, headers={"X-Forwarded-For": forged})
                assert got.status_code == 404, got.text
            refused = await first.get(url, params=query,
                                      headers={"X-Forwarded-For": "10.9.9.3"})
            assert refused.status_code == 429
            assert refused.json()["code"] == "tagihan-nop-terlalu-sering"
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert (await second.get(url, params=query)).status_code == 404
