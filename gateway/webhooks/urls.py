"""Which receiver URLs a subscription may name (SSRF: the gateway must not be made to POST
into its own network).

Always: an absolute ``https://`` URL with a host and without user or password. Outside
production, with ``allow_http_local``, also ``http://127.0.0.1``, ``http://[::1]`` and
``http://localhost`` (a developer's receiver). In production every address the host
resolves to must be public: private, loopback, link-local (the cloud metadata service),
shared (CGNAT), multicast, reserved or unspecified addresses are refused, when the
subscription is saved and again before each attempt (a name may resolve elsewhere later).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from shared.web.problems import ProblemError

Resolver = Callable[[str], Awaitable[list[str]]]
LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


async def resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to (the system resolver)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class UrlRefused(Exception):
    """The URL may not be used; ``code`` is the problem code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


async def check(url: str, *, production: bool, allow_http_local: bool,
                resolver: Resolver = resolve) -> None:
    """Raise :class:`UrlRefused` unless ``url`` may receive webhooks."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port  # an invalid port is refused here, not when sending
    except ValueError:
        raise UrlRefused("webhook-url-host") from None
    if not host or not url.isprintable() or any(c.isspace() for c in url):
        raise UrlRefused("webhook-url-host")
    if parts.username or parts.password:
        raise UrlRefused("webhook-url-credentials")
    local_http = (parts.scheme == "http" and allow_http_local and not production
                  and host in LOCAL_HOSTS)
    if parts.scheme != "https" and not local_http:
        raise UrlRefused("webhook-url-scheme")
    if not production:
        return
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await resolver(host)
        except (OSError, UnicodeError):
            raise UrlRefused("webhook-url-unresolved") from None
        if not addresses:
            raise UrlRefused("webhook-url-unresolved")
    if not all(is_public(a) for a in addresses):
        raise UrlRefused("webhook-url-private")


async def require(url: str, *, production: bool, allow_http_local: bool,
                  resolver: Resolver = resolve) -> None:
    """:func:`check` as a 422 problem (the subscription routes)."""
    try:
        await check(url, production=production, allow_http_local=allow_http_local,
                    resolver=resolver)
    except UrlRefused as exc:
        raise ProblemError(422, exc.code) from None
