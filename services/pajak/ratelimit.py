"""Rate limits of the public bill check (``GET /tagihan``, no account): per client address,
and per NOP from one address, as sliding windows in this process's memory.

* The client address: the TCP peer, or, when the peer is the gateway
  (``HALO_GATEWAY_NETWORKS``, default ``127.0.0.1/32,::1/128``: the all-in-one process and a
  gateway on the same host), the last address of ``X-Forwarded-For``, which the gateway sets
  to its own caller (:func:`gateway.routing.proxy.upstream_headers`; a caller's own header is
  never passed on). A peer outside those networks cannot choose its address by the header.
* Limits (the regency's settings, ``<count>/<seconds>``): ``HALO_PAJAK_TAGIHAN_RATE``
  (default ``30/60`` per address) and ``HALO_PAJAK_TAGIHAN_NOP_RATE`` (``10/60`` per NOP
  from one address: a NOP asked again and again, or NOPs walked one by one, are both held).
  Addresses in ``HALO_PAJAK_TAGIHAN_TRUSTED_NETWORKS`` (CIDRs: the BPPRD counters, a
  village office's kiosk) get ``HALO_PAJAK_TAGIHAN_TRUSTED_RATE`` (``300/60``) and
  ``HALO_PAJAK_TAGIHAN_TRUSTED_NOP_RATE`` (``100/60``) instead, each address its own window.
* A request over a limit is refused (429, ``Retry-After``: the seconds until the oldest
  counted request leaves the window) and not counted. Time is the service clock.

As the gateway's login limiter: every replica keeps its own windows (N replicas allow up to N
times the limit) and a restart forgets them.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections import deque
from dataclasses import dataclass

from fastapi import Request

from shared.settings import RateLimit, SettingsError, parse_limit

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_KEYS = 100_000
LOCAL = "127.0.0.1/32,::1/128"


def parse_networks(raw: str | None, name: str) -> tuple[IPNetwork, ...]:
    """A comma list of IP addresses or networks (CIDR); a bad item stops the start."""
    found = []
    for item in (part.strip() for part in (raw or "").split(",")):
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(f"{name}: '{item}' bukan alamat IP atau jaringan (CIDR)") \
                from None
    return tuple(found)


def inside(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


PER_ADDRESS, PER_NOP = RateLimit(30, 60.0), RateLimit(10, 60.0)
TRUSTED_PER_ADDRESS, TRUSTED_PER_NOP = RateLimit(300, 60.0), RateLimit(100, 60.0)
LOCAL_GATEWAYS = parse_networks(LOCAL, "HALO_GATEWAY_NETWORKS")


@dataclass(frozen=True)
class BillLimits:
    per_address: RateLimit = PER_ADDRESS
    per_nop: RateLimit = PER_NOP
    trusted_networks: tuple[IPNetwork, ...] = ()
    trusted_per_address: RateLimit = TRUSTED_PER_ADDRESS
    trusted_per_nop: RateLimit = TRUSTED_PER_NOP
    gateways: tuple[IPNetwork, ...] = LOCAL_GATEWAYS

    @classmethod
    def from_env(cls) -> BillLimits:
        base = cls()

        def limit(name: str, default: RateLimit) -> RateLimit:
            raw = os.environ.get(name, "").strip()
            return parse_limit(raw, name) if raw else default

        return cls(
            per_address=limit("HALO_PAJAK_TAGIHAN_RATE", base.per_address),
            per_nop=limit("HALO_PAJAK_TAGIHAN_NOP_RATE", base.per_nop),
            trusted_networks=parse_networks(os.environ.get(
                "HALO_PAJAK_TAGIHAN_TRUSTED_NETWORKS"), "HALO_PAJAK_TAGIHAN_TRUSTED_NETWORKS"),
            trusted_per_address=limit("HALO_PAJAK_TAGIHAN_TRUSTED_RATE",
                                      base.trusted_per_address),
            trusted_per_nop=limit("HALO_PAJAK_TAGIHAN_TRUSTED_NOP_RATE", base.trusted_per_nop),
            gateways=parse_networks(os.environ.get("HALO_GATEWAY_NETWORKS", LOCAL),
                                    "HALO_GATEWAY_NETWORKS"))


def client_address(request: Request, gateways: tuple[IPNetwork, ...]) -> str:
    """The caller's address: the peer's, or the gateway's ``X-Forwarded-For`` when the peer
    is the gateway (its last entry, the one the gateway wrote)."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and inside(peer, gateways):
        last = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer


class Limited(Exception):
    def __init__(self, code: str, retry_after: int) -> None:
        super().__init__(code)
        self.code, self.retry_after = code, retry_after


class BillLimiter:
    def __init__(self, limits: BillLimits) -> None:
        self.limits = limits
        self._hits: dict[tuple[str, ...], deque[float]] = {}

    def admit(self, client: str, nop: str | None, now: float) -> None:
        """Count one request of ``client`` (for ``nop``; None: a NOP that could not be read)
        against its address window and its NOP window; raise :class:`Limited` when either
        is full (nothing counted then)."""
        trusted = inside(client, self.limits.trusted_networks)
        lim = self.limits
        checks: list[tuple[tuple[str, ...], RateLimit, str]] = [
            (("address", client), lim.trusted_per_address if trusted else lim.per_address,
             "tagihan-terlalu-sering")]
        if nop is not None:
            checks.append((("nop", client, nop),
                           lim.trusted_per_nop if trusted else lim.per_nop,
                           "tagihan-nop-terlalu-sering"))
        windows = [(self._window(key, limit, now), limit, code) for key, limit, code in checks]
        for hits, limit, code in windows:
            if len(hits) >= limit.count:
                raise Limited(code, max(1, math.ceil(hits[0] + limit.window_s - now)))
        for hits, _, _ in windows:
            hits.append(now)

    def _window(self, key: tuple[str, ...], limit: RateLimit, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self._prune(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - limit.window_s:
            hits.popleft()
        return hits

    def _prune(self, now: float) -> None:
        longest = max(self.limits.per_address.window_s, self.limits.per_nop.window_s,
                      self.limits.trusted_per_address.window_s,
                      self.limits.trusted_per_nop.window_s)
        for key, hits in list(self._hits.items()):
            if not hits or hits[-1] <= now - longest:
                del self._hits[key]
        while len(self._hits) >= MAX_KEYS:
            del self._hits[next(iter(self._hits))]


def limiter_of(request: Request) -> BillLimiter:
    """The app's limiter (made from the settings on first use)."""
    state = request.app.state
    found: BillLimiter | None = getattr(state, "pajak_bill_limiter", None)
    if found is None:
        found = state.pajak_bill_limiter = BillLimiter(BillLimits.from_env())
    return found
