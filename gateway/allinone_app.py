"""All-in-one mode: the gateway and all seven services in one process.

The program that serves it is :mod:`gateway.allinone` (``python -m gateway.allinone``,
``make run``): it opens the port before it imports this module.

How it is composed:

* one :class:`~shared.events.memory.InProcessBus` (``auto_create=False``: topics are created
  explicitly, as on Kafka) shared by every service's outbox relay and the gateway's tracking
  consumer;
* one key set (``var/keys``): the gateway signs tokens with it, and every service verifies
  them against its public JWKS (read from the same in-process :class:`KeySet`);
* each service app built by ``services.<name>.app.create_app`` (imported by name: the
  gateway never imports a service statically) with its own SQLite file under ``var/``;
* the gateway reaches each service through the same HTTP client code as in the distributed
  mode, over an in-process
  :class:`~gateway.routing.asgi_stream.StreamingASGITransport` (request and response bodies
  stream chunk by chunk, as over HTTP).

ASGI transports do not run lifespans, so the outer lifespan enters every service's lifespan
first (migrations, SOP sync, relay and sweeper) and leaves them last. With the demo on (the
default), start-up seeds the demo accounts, opens a few demo cases through the gateway's own
HTTP API (so the inbox is not empty) and prints the credentials and a curl walk-through. Run
as a program, all of this start-up runs once the listener is up (``/healthz`` answers at
once, ``/readyz`` once services and demo are in place: :mod:`gateway.allinone_start`).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from typing import Any, TextIO

import httpx
from fastapi import FastAPI

from gateway.allinone_start import Starting, StartingGuard, behind_the_listener, internal
from gateway.app import GatewayWiring, create_gateway_app
from gateway.notifications.settings import startup_line
from gateway.routing.asgi_stream import StreamingASGITransport
from gateway.runtime import GatewayRuntime
from gateway.settings import DEV_ORIGINS, SERVICES, GatewaySettings, cors_origins
from shared.auth.keys import KeySet
from shared.auth.tokens import TokenVerifier
from shared.events.memory import InProcessBus
from shared.settings import ServiceSettings
from shared.web.app import Wiring

log = logging.getLogger("halo.allinone")
DEMO_MODULE = "gateway.identity.demo"
DEMO_SOP = "dukcapil-kia-0-5-tahun"
DEMO_FORM = {"nik_anak": "1801010101230001", "nama_anak": "Anak Demo",
             "tanggal_lahir_anak": "2023-01-01", "nomor_kk": "1801010101900009",
             "pengambilan": "unduh_halo_lamsel"}
DEMO_PDF = b"%PDF-1.4\n% Berkas persyaratan contoh (demo Halo Lamsel)\n%%EOF\n"
DEMO_STEPS = ((), ("teruskan",), ("teruskan", "lengkap"))
"""Three demo cases: at the operator's first step, at its second, and at the kabid's."""


def build_service_apps(bus: InProcessBus, keys: KeySet, conf: GatewaySettings
                       ) -> dict[str, FastAPI]:
    async def jwks() -> dict[str, Any]:
        return keys.jwks()

    apps = {}
    for name in SERVICES:
        module = importlib.import_module(f"services.{name}.app")
        verifier = TokenVerifier(jwks, conf.tokens, refresh_s=0.0)
        apps[name] = module.create_app(ServiceSettings.from_env(name),
                                       Wiring(bus=bus, verifier=verifier))
    return apps


def build_app(*, demo: bool = True, base_url: str = "http://127.0.0.1:8000",
              out: TextIO | None = None, serve_first: bool = False,
              on_start_error: Callable[[], None] | None = None,
              on_started: Callable[[], object] | None = None) -> FastAPI:
    """The composed all-in-one app (settings from ``HALO_*``, files under ``var/``).

    ``serve_first`` (the program, :mod:`gateway.allinone`): the lifespan yields at once and the
    start-up (services, gateway, demo) runs behind the listener
    (:mod:`gateway.allinone_start`; its state is ``app.state.starting``, and
    ``on_start_error`` is called if it fails). Otherwise the lifespan has done it all before
    it yields. ``on_started`` is called once all of it is in place (the program freezes what
    start-up built: :mod:`shared.web.long_lived`)."""
    conf = GatewaySettings.from_env()
    # The web dev server and this process's own origin may call the API unless told otherwise.
    conf = replace(conf, cors_origins=cors_origins((*DEV_ORIGINS, base_url.rstrip("/"))))
    bus = InProcessBus(auto_create=False)
    keys = KeySet.load_or_create(conf.key_dir)
    services = build_service_apps(bus, keys, conf)
    transports: dict[str, httpx.AsyncBaseTransport] = {
        name: StreamingASGITransport(app) for name, app in services.items()}
    gateway = create_gateway_app(conf, GatewayWiring(bus=bus, transports=transports, keys=keys))
    gateway_lifespan = gateway.router.lifespan_context

    @asynccontextmanager
    async def start(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for service_app in services.values():
                await stack.enter_async_context(service_app.router.lifespan_context(service_app))
            async with gateway_lifespan(app):
                if conf.clock_offset:  # HALO_CLOCK_OFFSET: a lateness demo, never production
                    log.warning("clock shifted", extra={"offset": str(conf.clock_offset)})
                if demo:
                    runtime: GatewayRuntime = app.state.runtime
                    runtime.ready = False  # /readyz: not before the demo is in place
                    await seed_department_demos(services)
                    await seed_demo(app, base_url, out or sys.stdout)
                    runtime.ready = True
                if on_started is not None:
                    on_started()
                yield

    starting = Starting()
    gateway.state.starting = starting

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not serve_first:
            async with start(app):
                starting.done = True
                yield
            return
        async with behind_the_listener(start(app), starting, on_start_error or _no_op):
            yield

    gateway.router.lifespan_context = lifespan
    if serve_first:
        gateway.add_middleware(StartingGuard, state=starting)
    return gateway


async def seed_department_demos(services: dict[str, FastAPI]) -> None:
    """A department's own demo data (e.g. pajak's tax objects and bills), seeded by the
    ``seed_demo_data(app)`` its app module offers, once its app has started (idempotent)."""
    for name, service_app in services.items():
        seed = getattr(importlib.import_module(f"services.{name}.app"), "seed_demo_data", None)
        if seed is not None:
            await seed(service_app)


def _no_op() -> None:
    pass


async def seed_demo(app: FastAPI, base_url: str, out: TextIO) -> None:
    """Demo accounts, a few demo cases, and the start-up text."""
    runtime: GatewayRuntime = app.state.runtime
    if importlib.util.find_spec(DEMO_MODULE) is None:
        log.warning("identity demo module missing: no demo accounts")
        return
    seeded = importlib.import_module(DEMO_MODULE).seed_demo_accounts(runtime)
    accounts: list[dict[str, Any]] = await seeded if inspect.isawaitable(seeded) else seeded
    numbers: list[str] = []
    # In process, through the gateway; marked internal so the start-up guard lets it pass.
    transport = httpx.ASGITransport(app=internal(app), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://halo.local") as client:
        try:
            numbers = await open_demo_cases(client, accounts)
        except DemoError as exc:
            log.warning("demo cases not opened", extra={"error": str(exc)})
    out.write(startup_text(accounts, numbers, base_url))
    out.flush()


class DemoError(RuntimeError):
    pass


def _find(accounts: list[dict[str, Any]], role: str) -> dict[str, Any]:
    for account in accounts:
        if role in account["roles"]:
            return account
    raise DemoError(f"no demo account with role {role}")


async def login(client: httpx.AsyncClient, account: dict[str, Any]) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={
        "login": account["login"], "password": account["password"]})
    if response.status_code != 200:
        raise DemoError(f"login {account['kind']} failed: {response.status_code}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def open_demo_cases(client: httpx.AsyncClient, accounts: list[dict[str, Any]]
                          ) -> list[str]:
    """Open the demo cases for the first demo citizen, unless they already have cases."""
    citizen = await login(client, _find(accounts, "citizen"))
    mine = await client.get("/api/v1/dukcapil/cases", headers=citizen)
    if mine.status_code != 200:
        raise DemoError(f"listing cases failed: {mine.status_code}")
    if mine.json()["total"]:
        return [c["tracking_no"] for c in mine.json()["items"]]
    operator = await login(client, _find(accounts, "disdukcapil:operator"))
    numbers = []
    for actions in DEMO_STEPS:
        opened = await client.post(
            "/api/v1/dukcapil/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": DEMO_SOP, "form": DEMO_FORM})},
            files={"berkas_persyaratan": ("berkas.pdf", DEMO_PDF, "application/pdf")})
        if opened.status_code != 201:
            raise DemoError(f"opening a demo case failed: {opened.status_code}")
        case = opened.json()
        for action in actions:
            moved = await client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                      headers=operator, json={"action": action})
            if moved.status_code != 200:
                raise DemoError(f"demo action {action} failed: {moved.status_code}")
        numbers.append(case["tracking_no"])
    return numbers


def _shown(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The accounts the walk-through uses; the rest follow the same pattern."""
    return [a for a in accounts
            if "admin" in a["roles"] or "citizen" in a["roles"]
            or any(r.startswith("disdukcapil:") for r in a["roles"])]


def startup_text(accounts: list[dict[str, Any]], numbers: list[str], base: str) -> str:
    shown = _shown(accounts)
    width = max([len(a["login"]) for a in shown] + [5])
    lines = ["", f"Halo Lamsel all-in-one: {base}  (OpenAPI: {base}/docs)", "",
             f"Demo accounts ({len(accounts)}; every agency has the same pattern as "
             "disdukcapil: <role>.<agency>@demo.halo.lamsel):",
             f"  {'login':<{width}}  {'password':<20}  roles"]
    lines += [f"  {a['login']:<{width}}  {a['password']:<20}  {' '.join(a['roles'])}"
              for a in shown]
    citizen = next((a for a in accounts if "citizen" in a["roles"]), None)
    officer = next((a for a in accounts if "disdukcapil:operator" in a["roles"]), None)
    if numbers:
        lines += ["", f"Demo cases of {citizen['login'] if citizen else 'warga'}: "
                  + ", ".join(numbers)]
    lines += ["", startup_line(),
              f"Signed outputs are checked at {base}/verify/<code> (the QR code on each PDF); "
              "the whole KIA walk-through to the survey is in README.md"]
    if citizen and officer:
        get_token = ("python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])'")
        lines += [
            "", "Walk-through:",
            f"  curl -s '{base}/api/v1/catalog?q=identitas+anak'",
            f"  WARGA=$(curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: "
            f"application/json' -d '{{\"login\":\"{citizen['login']}\",\"password\":"
            f"\"{citizen['password']}\"}}' | {get_token})",
            f"  curl -s {base}/api/v1/me/cases -H \"Authorization: Bearer $WARGA\"",
            f"  curl -s {base}/api/v1/tracking/{numbers[0] if numbers else '<DK-XXXX-XXXX>'}"
            " -H \"Authorization: Bearer $WARGA\"",
            f"  PETUGAS=$(curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: "
            f"application/json' -d '{{\"login\":\"{officer['login']}\",\"password\":"
            f"\"{officer['password']}\"}}' | {get_token})",
            f"  curl -s {base}/api/v1/inbox -H \"Authorization: Bearer $PETUGAS\"",
            f"  curl -s -X POST {base}/api/v1/dukcapil/cases/<case id>/actions -H "
            "\"Authorization: Bearer $PETUGAS\" -H 'Content-Type: application/json' "
            "-d '{\"action\":\"teruskan\"}'"]
    return "\n".join(lines) + "\n\n"
