"""Schemathesis against the all-in-one gateway, in-process, once per caller: a citizen, an
officer of Disdukcapil and a platform admin (an agency admin is fuzzed against the services
in tests/reliability/test_schemathesis_services.py: a fourth gateway run costs a minute).
Every documented operation, a few generated requests each, valid ones and invalid ones
(bounded: no shrinking, derandomized, a handful of examples per mode), answers no 5xx and
nothing that breaks the documented response schema; the routes behind each token answer 2xx
for it.

The app is the one ``make run`` serves (``gateway.allinone.build_app``, without demo data),
started once by schemathesis's ASGI client in its own event loop and stopped at the end.
Before the runs the citizen opens one case in every service through the gateway; a service's
path parameters (``key``, ``case_id``, ``version``) are pinned to its case and
``tracking_no`` to the Disdukcapil case, so generated requests reach real cases."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from gateway.allinone import build_app
from gateway.settings import SERVICES
from shared.auth.keys import KeySet
from shared.auth.tokens import TokenIssuer
from shared.settings import token_settings
from tests.reliability.fuzzing import fuzz, open_case, totals

EXAMPLES_PER_OPERATION = 4
RESET = ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
         "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_CORS_ORIGINS", "HALO_PUBLIC_BASE_URL",
         *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES))
CITIZEN = "9d4a7c1e-0000-4000-8000-00000000c001"
ROLES: dict[str, tuple[list[str], str, str]] = {
    "citizen": (["citizen"], "citizen", CITIZEN),
    "officer": (["disdukcapil:operator"], "officer", "9d4a7c1e-0000-4000-8000-00000000a002"),
    "admin": (["admin"], "officer", "9d4a7c1e-0000-4000-8000-00000000a001"),
}
"""Per caller: the token's roles, its kind and its subject."""
REACHED = {
    "citizen": {"GET /api/v1/me/cases", "GET /api/v1/me/notifications",
                "GET /api/v1/dukcapil/cases", "GET /api/v1/dukcapil/cases/{case_id}",
                "GET /api/v1/dukcapil/cases/{case_id}/history"},
    "officer": {"GET /api/v1/inbox", "GET /api/v1/dukcapil/cases"},
    "admin": {"GET /api/v1/admin/audit", "GET /api/v1/agencies/{agency}/officers",
              "GET /api/v1/dukcapil/cases", "GET /api/v1/dukcapil/cases/{case_id}"},
}
"""Routes behind the token that answer 2xx for the caller."""
EVERY_ROLE = {"GET /api/v1/catalog", "GET /api/v1/dukcapil/sops", "GET /healthz"}

Target = tuple[Any, TokenIssuer, dict[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    var = tmp_path_factory.mktemp("allinone")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HALO_VAR_DIR", str(var))
        for name in RESET:
            patch.delenv(name, raising=False)
        app = build_app(demo=False)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        issuer = TokenIssuer(KeySet.load(Path(var) / "keys"), token_settings())
        try:
            citizen = {"Authorization": f"Bearer {issuer.issue(CITIZEN, ['citizen'], 'citizen')}"}
            with asgi.get_client(app) as client:
                cases = {s: open_case(client, f"/api/v1/{s}", s, citizen) for s in SERVICES}
            yield schema, issuer, cases
        finally:
            asgi.shutdown_lifespans()
    print(totals())


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_documented_schema(api: Target, role: str) -> None:
    schema, issuer, cases = api
    roles, kind, sub = ROLES[role]
    auth = {"Authorization": f"Bearer {issuer.issue(sub, roles, kind)}"}

    def pins(path: str) -> Mapping[str, Any]:
        service = path.split("/")[3] if path.startswith("/api/v1/") else ""
        pinned: dict[str, Any] = {"tracking_no": cases["dukcapil"]["tracking_no"],
                                  "agency": "disdukcapil"}
        if service in cases:
            case = cases[service]
            pinned |= {"key": case["sop_key"], "case_id": case["id"], "version": 1}
        return pinned

    run = fuzz(schema, "gateway", role, auth, EXAMPLES_PER_OPERATION,
               checks=(not_a_server_error, response_schema_conformance), pinned=pins)
    assert run.operations > 150
    assert run.calls >= run.operations
    assert run.server_errors == 0, "\n".join(run.failures)
    assert run.failures == [], "\n".join(run.failures)
    # The token is accepted: routes behind it answer, not only refusals.
    assert EVERY_ROLE | REACHED[role] <= run.succeeded, sorted(run.succeeded)
