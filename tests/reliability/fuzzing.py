"""One bounded schemathesis run over every operation of an OpenAPI document, as one caller.

Every operation is fuzzed in both generation modes (valid requests, then invalid ones) with a
few examples each: no shrinking, derandomized, no example database, so a run is the same run
every time. A run reports its figures (:class:`Run`, one printed line) and what broke:
a 5xx answer, or a check failure such as a response outside its documented schema.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from shared.sop.model import SopDefinition
from tests.support import kia
from tests.support.sops import all_sops, required_documents, sample_form

Check = Callable[..., Any]


@dataclass
class Run:
    """The figures of one (target, role) run and the operations that broke."""

    target: str
    role: str
    operations: int = 0
    calls: int = 0
    server_errors: int = 0
    unavailable: int = 0
    """503 answers of a department's external system that the run does not configure."""
    seconds: float = 0.0
    answered: dict[str, set[int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> set[str]:
        """Operations (``METHOD /path``) that answered 2xx at least once."""
        return {op for op, codes in self.answered.items() if any(200 <= c < 300 for c in codes)}

    def line(self) -> str:
        return (f"schemathesis {self.target} as {self.role}: {self.operations} operations, "
                f"{self.calls} calls, {self.server_errors} 5xx "
                f"(+{self.unavailable} external-system 503), {self.seconds:.1f} s, "
                f"{len(self.succeeded)} operations answered 2xx")


OFFICER = {"dukcapil": "disdukcapil:operator", "perizinan": "dpmptsp:front_office",
           "pengaduan": "dlh:operator", "damkar": "damkar:petugas_pemadam",
           "pajak": "bpprd:front_office", "kepegawaian": "bkd:staf",
           "umum": "diskominfo:front_office"}
"""Per service, a role of one of its agencies that holds officer steps of its SOPs."""
CHECKED_FIELDS = {"nop": "18.01.040.005.001-0123.0", "nip": "199001012015011001"}
"""Fields a department checks beyond their type (pajak: a NOP of this regency;
kepegawaian: a NIP, born 1 January 1990, CPNS from January 2015)."""
EXTERNAL = frozenset({"siak-unavailable", "siasn-unavailable"})
"""Problem codes of external systems (Dukcapil's SIAK, BKD's SIASN) that answer 503 while the
system is unreachable or not configured: the runs here configure neither."""
RUNS: list[Run] = []
"""Every run of this process, for the totals line."""


def external_unavailable(response: Any) -> bool:
    """A 503 problem whose code names a department's external system (:data:`EXTERNAL`):
    the system is not there in-process, and 503 is its documented answer, not a bug."""
    if response.status_code != 503:
        return False
    try:
        code = response.json().get("code")
    except ValueError:
        return False
    return code in EXTERNAL


def bounded(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    phases=[Phase.explicit, Phase.generate], derandomize=True,
                    suppress_health_check=list(HealthCheck))


def fuzz(schema: Any, target: str, role: str, headers: dict[str, str], examples: int,
         checks: Sequence[Check] = (not_a_server_error,),
         pinned: Callable[[str], Mapping[str, Any]] | None = None) -> Run:
    """Every operation of ``schema``, both modes, ``examples`` each, with ``headers``;
    path parameters named in ``pinned(path)`` take that value (a real SOP or case), the
    others are generated."""
    run = Run(target, role)
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    run.operations = len(operations)
    for operation, mode in [(op, m) for op in operations for m in GenerationMode]:

        names = {p.name for p in operation.path_parameters}
        given_values = pinned(operation.path) if pinned else {}
        fixed = {k: v for k, v in given_values.items() if k in names} or None

        @bounded(examples)
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        def call(case: Any) -> None:
            run.calls += 1
            try:
                response = case.call(headers=headers)
            except Exception:  # the app raised: a real server answers that with a 500
                run.server_errors += 1
                raise
            run.answered.setdefault(f"{case.method} {case.path}", set()).add(
                response.status_code)
            if external_unavailable(response):
                run.unavailable += 1
                case.validate_response(response, checks=[c for c in checks
                                                         if c is not not_a_server_error])
                return
            if response.status_code >= 500:
                run.server_errors += 1
            case.validate_response(response, checks=list(checks))

        try:
            call()
        except Unsatisfiable:
            # Nothing to make invalid (no parameters, no body): no negative case exists.
            if mode is not GenerationMode.NEGATIVE:
                raise
        except (Exception, BaseExceptionGroup) as exc:  # every broken operation, then fail
            run.failures.append(f"{operation.method.upper()} {operation.path} "
                                f"({mode.value}): {summary(exc)}")
    run.seconds = time.monotonic() - started
    RUNS.append(run)
    print(run.line())
    return run


def seed_sops(service: str) -> list[SopDefinition]:
    """The SOPs to open a case of, in order of preference: KIA for Disdukcapil (its form is
    dated: the child's age picks the SOP), then the SOPs whose steps the officer role of
    :data:`OFFICER` holds, then the rest."""
    agency, role = OFFICER[service].split(":", 1)

    def rank(sop: SopDefinition) -> int:
        if sop.key == kia.KIA:
            return 0
        return 1 if sop.agency == agency and any(s.actor == role for s in sop.steps) else 2

    return sorted(all_sops()[service], key=rank)


def open_case(client: Any, prefix: str, service: str, headers: dict[str, str]
              ) -> dict[str, Any]:
    """The citizen of ``headers`` opens a case with a valid form and a small PDF per required
    document, over ``client`` (a schemathesis ASGI client) at ``prefix`` (the service's root:
    ``""`` in-process, ``/api/v1/<service>`` at the gateway); the case as answered. A SOP
    whose department checks a field beyond its type refuses the sample form: the next SOP
    of :func:`seed_sops` is tried, and the test fails only if none opens."""
    refusals = []
    for sop in seed_sops(service):
        form = kia.FORM if sop.key == kia.KIA else sample_form(sop)
        body = {"sop_key": sop.key,
                "form": {**form, **{k: v for k, v in CHECKED_FIELDS.items() if k in form}}}
        files = {k: (f"{k}.pdf", b"%PDF-1.4 berkas uji", "application/pdf")
                 for k in required_documents(sop)}
        url = f"{prefix}/cases"
        opened = (client.post(url, headers=headers, data={"data": json.dumps(body)},
                              files=files) if files
                  else client.post(url, headers=headers, json=body))
        if opened.status_code == 201:
            case: dict[str, Any] = opened.json()
            return case
        refusals.append(f"{sop.key}: {opened.status_code} {opened.text[:300]}")
    raise AssertionError(f"no {service} SOP opens a case:\n" + "\n".join(refusals))


def totals() -> str:
    calls = sum(r.calls for r in RUNS)
    errors = sum(r.server_errors for r in RUNS)
    seconds = sum(r.seconds for r in RUNS)
    return (f"schemathesis total: {len(RUNS)} runs, {calls} calls, {errors} 5xx, "
            f"{seconds:.1f} s")


def summary(exc: BaseException) -> str:
    """The failures' own messages (schemathesis groups them), a few lines each."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    return " | ".join(" ".join(str(p).split())[:400] or type(p).__name__ for p in parts)
