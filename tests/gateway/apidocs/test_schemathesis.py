"""Schemathesis against the all-in-one gateway, in-process: every documented operation, a few
generated requests each, valid ones and invalid ones (bounded: no shrinking, a handful of
examples per mode), with a valid bearer token, answers no 5xx and nothing that breaks the
documented response schema.

The app is the one ``make run`` serves (``gateway.allinone.build_app``, without demo data),
started once by schemathesis's ASGI client in its own event loop and stopped at the end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from gateway.allinone import build_app
from gateway.settings import SERVICES
from shared.auth.keys import KeySet
from shared.auth.tokens import TokenIssuer
from shared.settings import token_settings

EXAMPLES_PER_OPERATION = 6
RESET = ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
         "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_CORS_ORIGINS",
         *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES))
BOUNDED = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate], derandomize=True,
                   suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    var = tmp_path_factory.mktemp("allinone")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HALO_VAR_DIR", str(var))
        for name in RESET:
            patch.delenv(name, raising=False)
        app = build_app(demo=False)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        # A platform admin who is also an officer and a citizen reaches every route's checks.
        issuer = TokenIssuer(KeySet.load(Path(var) / "keys"), token_settings())
        token = issuer.issue("9d4a7c1e-0000-4000-8000-00000000a001",
                             ["admin", "citizen", "disdukcapil:operator"], "officer")
        try:
            yield schema, {"Authorization": f"Bearer {token}"}
        finally:
            asgi.shutdown_lifespans()


def test_every_operation_answers_within_its_documented_schema(
        api: tuple[Any, dict[str, str]]) -> None:
    schema, auth = api
    failures: list[str] = []
    calls = 0
    answered: dict[str, set[int]] = {}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 150
    for operation, mode in [(op, m) for op in operations for m in GenerationMode]:

        @BOUNDED
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=auth)
            answered.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error,
                                                     response_schema_conformance])

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid (no parameters, no body): no negative case exists.
            if mode is not GenerationMode.NEGATIVE:
                raise
        except (Exception, BaseExceptionGroup) as exc:  # every broken operation, then fail
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                            f"{_summary(exc)}")
    elapsed = time.monotonic() - started
    succeeded = sorted(op for op, codes in answered.items() if any(c < 300 for c in codes))
    print(f"schemathesis: {len(operations)} operations, {calls} calls, {elapsed:.0f} s, "
          f"{len(succeeded)} operations answered 2xx at least once")
    assert calls >= len(operations)
    # The token is accepted: routes behind it answer, not only refusals.
    assert {"GET /api/v1/inbox", "GET /api/v1/me/cases", "GET /api/v1/dukcapil/cases",
            "GET /api/v1/me/notifications"} <= set(succeeded), succeeded
    assert failures == [], "\n".join(failures)


def _summary(exc: BaseException) -> str:
    """The failures' own messages (schemathesis groups them), a few lines each."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    return " | ".join(" ".join(str(p).split())[:400] or type(p).__name__ for p in parts)
