"""Receiver URLs (SSRF): https only; in production no private, loopback, link-local, shared
or reserved address, named or resolved, when saved and again before each attempt; outside
production ``http://127.0.0.1``/``localhost`` for a developer's receiver."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.webhooks.pinning import AddressRefused, public_only_client
from gateway.webhooks.urls import UrlRefused, check
from tests.gateway.webhooks.support import settings, webhook_stack
from tests.support.problems import assert_indonesian
from tests.support.webhook_receiver import WebhookReceiver

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


async def test_a_name_rebound_after_the_check_is_refused_at_connect(tmp_path: Path) -> None:
    """The loop checks the name before sending (public), then the connection resolves it
    again and finds it inside (DNS rebinding): nothing is sent."""
    answers = {"rebind.example": [["93.184.216.34"], ["93.184.216.34"], ["127.0.0.1"]]}

    async def rebinding(host: str) -> list[str]:
        queue = answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    conf = settings(production=True, allow_http_local=False)
    async with webhook_stack(tmp_path, conf=conf, resolver=rebinding) as hooks:
        sub = await hooks.subscribe("https://rebind.example/hooks")  # check 1: public
        await hooks.stack.client.post(f"/api/v1/webhooks/langganan/{sub['id']}/uji",
                                      headers=hooks.admin())
        assert await hooks.deliver() == 1  # check 2 public; the connection's: 127.0.0.1
        (row,) = await hooks.rows()
    assert (row.status, row.last_error) == ("pending", "refused-address")
    assert answers["rebind.example"] == [["127.0.0.1"]]


async def test_the_pinned_client_connects_to_the_address_it_checked() -> None:
    """With every address allowed, a made-up name resolved to this machine reaches the
    receiver there: the connection goes to the checked address, not a second lookup."""
    async def here(host: str) -> list[str]:
        assert host == "penerima.example"
        return ["127.0.0.1"]

    async with WebhookReceiver() as receiver:
        client = public_only_client(here, 5.0, {}, allowed=lambda address: True)
        async with client:
            answer = await client.post(f"http://penerima.example:{receiver.port}/x",
                                       content=b"{}")
        refused = public_only_client(here, 5.0, {})
        async with refused:
            with pytest.raises(AddressRefused):
                await refused.post(f"http://penerima.example:{receiver.port}/x", content=b"{}")
    assert answer.status_code == 401  # reached it (unsigned, so refused by the receiver)
    assert len(receiver.received) == 1 and receiver.received[0].headers["host"].startswith(
        "penerima.example")
