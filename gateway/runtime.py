"""What the gateway holds while it runs, built in its lifespan, and the parts it is made of.

A *part* (identity, routing, catalog, tracking) contributes a router and optional start and
stop steps; :func:`gateway.app.create_gateway_app` assembles them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.settings import GatewaySettings
from shared.auth.keys import KeySet
from shared.auth.tokens import TokenIssuer, TokenVerifier
from shared.events.bus import EventBus


@dataclass
class GatewayRuntime:
    settings: GatewaySettings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    keys: KeySet
    issuer: TokenIssuer
    verifier: TokenVerifier
    bus: EventBus
    clients: dict[str, httpx.AsyncClient]
    """One HTTP client per service: real HTTP (distributed) or an ASGI transport (all-in-one)."""
    clock: Callable[[], datetime]
    state: dict[str, Any] = field(default_factory=dict)
    """Per-part state (e.g. the tracking consumer, rate limiters), keyed by part name."""
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    ready: bool = False


PartHook = Callable[[GatewayRuntime], Awaitable[None]]


@dataclass
class GatewayPart:
    name: str
    router: APIRouter
    start: PartHook | None = None
    stop: PartHook | None = None
    migrations: tuple[str, str] | None = None
    """(script folder, version table) of the part's own tables in the gateway database."""
