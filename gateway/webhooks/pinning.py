"""The production HTTP client of the delivery loop: it connects only to public addresses.

Checking a URL before sending leaves a gap: the name may resolve elsewhere by the time the
connection is made (DNS rebinding). :class:`PublicOnlyBackend` closes it: httpcore asks it
for each new connection; it resolves the host itself, refuses unless every address is
public (:func:`gateway.webhooks.urls.is_public`), and connects to the address it checked.
The TLS handshake still names the host (SNI, certificate check), as httpcore takes it from
the request, not from the socket.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from gateway.webhooks.urls import Resolver, is_public


class AddressRefused(Exception):
    """The host resolved to an address the loop may not connect to."""


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, resolver: Resolver, allowed: Callable[[str], bool] = is_public,
                 inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._resolver = resolver
        self._allowed = allowed
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
            self, host: str, port: int,
            timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
            local_address: str | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                addresses = await self._resolver(host)
            except (OSError, UnicodeError):
                raise AddressRefused("unresolved") from None
        if not addresses or not all(self._allowed(a) for a in addresses):
            raise AddressRefused("not public")
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address,
                                             socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def public_only_client(resolver: Resolver, timeout_s: float, headers: dict[str, str],
                       allowed: Callable[[str], bool] = is_public) -> httpx.AsyncClient:
    """An httpx client whose every connection goes through :class:`PublicOnlyBackend`."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx builds its pool without a network backend parameter: give it one that checks.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        network_backend=PublicOnlyBackend(resolver, allowed))
    return httpx.AsyncClient(transport=transport, timeout=timeout_s, follow_redirects=False,
                             trust_env=False, headers=headers)
