"""Schemathesis against each of the seven services' own OpenAPI, in-process over ASGI (SQLite in
a temporary folder, the in-process bus, the test key set), as a citizen, an officer of the
service's agency, that agency's admin and a platform admin: every documented operation, valid
and invalid requests, a few examples each. No answer is a 5xx or outside the documented
response schema, and the routes behind the token answer 2xx for each role.

Before the runs the citizen opens one case of the officer's agency; the path parameters
``key``, ``case_id`` and ``version`` (and the body's ``sop_key``) are pinned to it, so the
generated requests reach a real SOP and a real case instead of stopping at a 404. Each
service app is started once by schemathesis's ASGI client (its own event loop) and stopped
before the next service starts."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from gateway.settings import SERVICES
from tests.reliability.fuzzing import OFFICER, fuzz, open_case, totals
from tests.support.apps import service_settings, wiring
from tests.support.tokens import TestTokens

EXAMPLES_PER_OPERATION = 3
TOKENS = TestTokens()
ROLES = ("citizen", "officer", "agency-admin", "admin")
EVERY_ROLE = {"GET /healthz", "GET /readyz", "GET /sops", "GET /cases",
              "GET /sops/{key}/versions"}
REACHED = {"citizen": {"GET /cases/{case_id}", "GET /cases/{case_id}/history",
                       "GET /sops/{key}", "GET /sops/{key}/standard"},
           "officer": set(), "agency-admin": set(), "admin": {"GET /cases/{case_id}"}}
"""Routes behind the token that answer 2xx for the role (beyond :data:`EVERY_ROLE`)."""

Target = tuple[str, Any, dict[str, Any]]


def token_roles(service: str, role: str) -> tuple[str, ...]:
    agency = OFFICER[service].split(":", 1)[0]
    return {"citizen": ("citizen",), "officer": (OFFICER[service],),
            "agency-admin": (f"{agency}:admin",), "admin": ("admin",)}[role]


def subject(service: str, role: str) -> str:
    return f"fuzz-{service}-{role}"


@pytest.fixture(scope="module", autouse=True)
def _print_totals() -> Iterator[None]:
    yield
    print(totals())


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Target]:
    name: str = request.param
    tmp = Path(tmp_path_factory.mktemp(f"fuzz-{name}"))
    module = importlib.import_module(f"services.{name}.app")
    app = module.create_app(service_settings(name, f"sqlite+aiosqlite:///{tmp / 'svc.db'}", tmp),
                            wiring(TOKENS))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # The document names the gateway's prefix as its server; in-process the app is at the root.
    schema.config.update(base_url="http://testserver")
    try:
        with asgi.get_client(app) as client:
            case = open_case(client, "", name, TOKENS.headers(subject(name, "citizen"),
                                                               "citizen"))
        schema.config.update(parameters={"body.sop_key": case["sop_key"]})
        yield name, schema, {"key": case["sop_key"], "case_id": case["id"], "version": 1}
    finally:
        asgi.shutdown_lifespans()


@pytest.mark.parametrize("role", ROLES)
def test_service_answers_no_server_error(service: Target, role: str) -> None:
    name, schema, pinned = service

    def pins(path: str) -> Mapping[str, Any]:
        return pinned

    headers = TOKENS.headers(subject(name, role), *token_roles(name, role))
    run = fuzz(schema, name, role, headers, EXAMPLES_PER_OPERATION,
               checks=(not_a_server_error, response_schema_conformance), pinned=pins)
    assert run.operations >= 19
    assert run.calls >= run.operations
    assert run.server_errors == 0, "\n".join(run.failures)
    assert run.failures == [], "\n".join(run.failures)
    assert EVERY_ROLE | REACHED[role] <= run.succeeded, sorted(run.succeeded)
