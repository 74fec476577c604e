"""Which client the proxy calls a service with, and the pooled clients' life.

A service's ``httpx.AsyncClient`` (``runtime.clients``, built by :mod:`gateway.app`) that
speaks plain HTTP through httpx's own transport (distributed mode) is replaced, for the
proxy, by a pooled HTTP/1.1 client to the same base URL with the same timeouts
(:class:`gateway.routing.pool.UpstreamPool`, made on first use and kept in
``runtime.state``); any other (the all-in-one's in-process ASGI transport, a test's
stand-in, a URL with TLS or a path) is used as it is. The other parts (catalog, OpenAPI)
keep calling through httpx.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from gateway.routing.pool import UpstreamPool

CLIENT_ENV = "HALO_GATEWAY_UPSTREAM"
"""``httpx``: every service through its httpx client, also over real HTTP (default ``pool``)."""
POOLS_KEY = "routing.pools"
"""Where the pooled clients live in ``runtime.state``: id(httpx client) -> (it, pool)."""


def upstream_for(state: dict[str, Any],
                 client: httpx.AsyncClient) -> httpx.AsyncClient | UpstreamPool:
    """The client to call a service with: a pooled HTTP/1.1 client to ``client``'s base URL
    when ``client`` speaks plain HTTP through httpx's own transport (made once per client,
    kept in ``state``), else ``client`` itself."""
    pools: dict[int, tuple[httpx.AsyncClient, UpstreamPool | None]] = \
        state.setdefault(POOLS_KEY, {})
    known = pools.get(id(client))
    if known is None or known[0] is not client:
        if known is not None and known[1] is not None:
            known[1].close()  # its client was replaced
        known = (client, _pool_for(client))
        pools[id(client)] = known
    return known[1] or client


def _pool_for(client: httpx.AsyncClient) -> UpstreamPool | None:
    if os.environ.get(CLIENT_ENV, "pool") == "httpx" or client._mounts \
            or type(client._transport) is not httpx.AsyncHTTPTransport:
        return None
    timeout = client.timeout
    try:
        return UpstreamPool.for_url(str(client.base_url), connect_s=timeout.connect or 5.0,
                                    read_s=timeout.read or 30.0)
    except ValueError:
        return None


def close_pools(state: dict[str, Any]) -> None:
    """Close the pooled clients made by :func:`upstream_for`."""
    for _, pool in state.pop(POOLS_KEY, {}).values():
        if pool is not None:
            pool.close()
