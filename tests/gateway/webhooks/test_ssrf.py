"""Receiver URLs (SSRF): https only; in production no private, loopback, link-local, shared
or reserved address, named or resolved, when saved and again before each attempt; outside
production ``http://127.0.0.1``/``localhost`` for a developer's receiver."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.webhooks.urls import UrlRefused, check
from tests.gateway.webhooks.support import settings, webhook_stack
from tests.support.problems import assert_indonesian

NAMES = {"hooks.siak.example": ["36.89.10.20"], "intranet.example": ["10.20.0.5"],
         "mixed.example": ["93.184.216.34", "192.168.1.9"], "publik.example": ["93.184.216.34"],
         "localhost": ["127.0.0.1"]}


async def resolver(host: str) -> list[str]:
    if host not in NAMES:
        raise OSError("unknown host")
    return NAMES[host]


async def refused(url: str, production: bool = True, local: bool = False) -> str:
    with pytest.raises(UrlRefused) as info:
        await check(url, production=production, allow_http_local=local, resolver=resolver)
    return info.value.code


@pytest.mark.parametrize(("url", "code"), [
    ("http://publik.example/hooks", "webhook-url-scheme"),
    ("ftp://publik.example/hooks", "webhook-url-scheme"),
    ("http://127.0.0.1:8080/hooks", "webhook-url-scheme"),  # never plain http in production
    ("https://10.0.0.5/hooks", "webhook-url-private"),
    ("https://192.168.1.1/hooks", "webhook-url-private"),
    ("https://172.16.9.9/hooks", "webhook-url-private"),
    ("https://127.0.0.1/hooks", "webhook-url-private"),
    ("https://169.254.169.254/latest/meta-data", "webhook-url-private"),
    ("https://100.64.0.1/hooks", "webhook-url-private"),
    ("https://[::1]/hooks", "webhook-url-private"),
    ("https://[fe80::1]/hooks", "webhook-url-private"),
    ("https://[fd00::1]/hooks", "webhook-url-private"),
    ("https://[::ffff:10.0.0.1]/hooks", "webhook-url-private"),
    ("https://0.0.0.0/hooks", "webhook-url-private"),
    ("https://localhost/hooks", "webhook-url-private"),
    ("https://intranet.example/hooks", "webhook-url-private"),
    ("https://mixed.example/hooks", "webhook-url-private"),
    ("https://tidak-ada.example/hooks", "webhook-url-unresolved"),
    ("https://user:pw@publik.example/hooks", "webhook-url-credentials"),
    ("https:///hooks", "webhook-url-host"),
    ("https://[::1/hooks", "webhook-url-host"),
    ("https://publik.example:99999/hooks", "webhook-url-host"),
    ("https://publik.example/ho oks", "webhook-url-host"),
])
async def test_production_refuses(url: str, code: str) -> None:
    assert await refused(url) == code


async def test_production_takes_a_public_https_receiver() -> None:
    for url in ("https://hooks.siak.example/halo", "https://93.184.216.34:8443/x",
                "https://[2001:4860:4860::8888]/x"):
        await check(url, production=True, allow_http_local=True, resolver=resolver)


async def test_development_allows_http_to_this_machine_only() -> None:
    for url in ("http://127.0.0.1:8080/hooks", "http://localhost/hooks", "http://[::1]:81/"):
        await check(url, production=False, allow_http_local=True, resolver=resolver)
    assert await refused("http://10.0.0.5/hooks", False, True) == "webhook-url-scheme"
    assert await refused("http://publik.example/", False, True) == "webhook-url-scheme"
    assert await refused("http://127.0.0.1/hooks", False, False) == "webhook-url-scheme"


async def test_the_routes_refuse_and_the_loop_checks_again(tmp_path: Path) -> None:
    conf = settings(production=True, allow_http_local=False)
    async with webhook_stack(tmp_path, conf=conf, resolver=resolver) as hooks:
        account = await hooks.account()
        response = await hooks.stack.client.post(
            "/api/v1/webhooks/langganan", headers=hooks.admin(),
            json={"account_id": account, "url": "https://169.254.169.254/latest/meta-data",
                  "event_types": ["case.submitted"]})
        assert_indonesian(response, 422, "webhook-url-private", "Data tidak dapat diproses",
                          "Alamat penerima webhook menuju jaringan privat, loopback atau "
                          "link-local; tidak diizinkan.")
        sub = await hooks.subscribe("https://publik.example/hooks", account_id=account)
        NAMES["publik.example"] = ["10.9.8.7"]  # the name moved inside, after saving
        try:
            await hooks.stack.client.post(f"/api/v1/webhooks/langganan/{sub['id']}/uji",
                                          headers=hooks.admin())
            assert await hooks.deliver() == 1
        finally:
            NAMES["publik.example"] = ["93.184.216.34"]
        (row,) = await hooks.rows()
    assert (row.status, row.last_error, row.last_status_code) == (
        "pending", "refused-address", None)
