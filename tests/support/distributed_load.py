"""A bounded load of KIA 0–5 submissions and officer actions through the gateway of the
distributed mode, for the reliability tests (``tests/e2e/test_reliability.py``).

Each of ``clients`` concurrent loops submits a case (with a document) as a citizen, then walks
it step by step as the officers of Disdukcapil; a failed request is followed by a fresh read of
the case, so a step whose answer was lost is never acted on twice (every action names the
step it acts on: a stale one is refused with 409). Every answer is counted by the phase the
test is in (``phase``); every 2xx is recorded: the case ids and tracking numbers of the
submissions, the (case, step, action) of the actions. The load stops at ``stop()`` or after
``max_requests`` requests, whichever comes first.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field

import httpx

GATEWAY = "http://127.0.0.1:8000"
SOP = "dukcapil-kia-0-5-tahun"
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti", "tanggal_lahir_anak": "2024-05-05",
        "nomor_kk": "1801012202200003", "pengambilan": "ambil_di_mpp"}
WALK = {"verifikasi_permohonan": ("operator", "teruskan"),
        "verifikasi_berkas": ("operator", "lengkap"),
        "verifikasi_siak": ("kabid", "sampaikan_ke_kadis"),
        "tte_kadis": ("kepala_dinas", "tte"),
        "penyerahan": ("operator", "serahkan")}
"""The KIA SOP's officer steps, each with who takes it forward and how."""


@dataclass(frozen=True)
class Answer:
    phase: str
    kind: str
    """``submit``, ``act`` or ``read``."""
    status: int
    code: str | None
    """The problem's ``code`` for an error (None for a 2xx or a body that is no problem)."""
    problem: bool
    """An error answered as ``application/problem+json``."""


@dataclass
class LoadRecord:
    answers: list[Answer] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    """Requests the gateway itself did not answer, by exception name (it is never down)."""
    submitted: dict[str, str] = field(default_factory=dict)
    """Case id -> tracking number, for every submission answered 201."""
    acted: list[tuple[str, str, str]] = field(default_factory=list)
    """(case id, step, action) for every action answered 200."""

    def count(self, phase: str | None = None) -> int:
        return sum(1 for a in self.answers if phase is None or a.phase == phase)

    def ok(self, phase: str | None = None) -> int:
        return sum(1 for a in self.answers
                   if 200 <= a.status < 300 and (phase is None or a.phase == phase))

    def statuses(self, phase: str | None = None) -> Counter[int]:
        return Counter(a.status for a in self.answers if phase is None or a.phase == phase)

    def ok_kinds(self, phase: str) -> Counter[str]:
        """The 2xx answers of ``phase`` by kind of request."""
        return Counter(a.kind for a in self.answers if a.phase == phase and a.status < 300)

    def summary(self) -> dict[str, Counter[tuple[str, int]]]:
        """(kind, status) counts per phase, for a failure's message."""
        out: dict[str, Counter[tuple[str, int]]] = {}
        for a in self.answers:
            out.setdefault(a.phase, Counter())[(a.kind, a.status)] += 1
        return out

    def errors(self) -> list[Answer]:
        return [a for a in self.answers if a.status >= 500]


def login(client: httpx.Client, user: str, password: str) -> dict[str, str]:
    answer = client.post(f"{GATEWAY}/api/v1/auth/login",
                         json={"login": user, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def demo_identities() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The demo citizen's and the Disdukcapil officers' bearer headers."""
    with httpx.Client(timeout=30) as client:
        citizen = login(client, "warga1@demo.halo.lamsel", "Demo-Warga-2026")
        officers = {role: login(client, f"{role}.disdukcapil@demo.halo.lamsel",
                                "Demo-Petugas-2026")
                    for role in ("operator", "kabid", "kepala_dinas")}
    return citizen, officers


class Load:
    def __init__(self, citizen: dict[str, str], officers: dict[str, dict[str, str]],
                 *, clients: int = 6, max_requests: int = 3000) -> None:
        self.citizen = citizen
        self.officers = officers
        self.clients = clients
        self.max_requests = max_requests
        self.phase = "before"
        self.record = LoadRecord()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def until(self, *, submit: int, act: int, timeout_s: float = 90) -> None:
        """Wait until the current phase has ``submit`` submissions and ``act`` actions answered
        2xx (or ``timeout_s`` passed: the test's assertions on the phase then fail)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline and not self._done():
            ok = self.record.ok_kinds(self.phase)
            if ok["submit"] >= submit and ok["act"] >= act:
                return
            await asyncio.sleep(0.2)

    def _done(self) -> bool:
        return self._stop.is_set() or self.record.count() >= self.max_requests

    async def run(self) -> LoadRecord:
        async with httpx.AsyncClient(base_url=f"{GATEWAY}/api/v1/dukcapil", timeout=60) as http:
            await asyncio.gather(*(self._loop(http) for _ in range(self.clients)))
        return self.record

    async def _send(self, http: httpx.AsyncClient, kind: str, method: str, url: str,
                    **kwargs: object) -> httpx.Response | None:
        phase = self.phase
        try:
            answer = await http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self.record.transport_errors[type(exc).__name__] += 1
            await asyncio.sleep(0.5)
            return None
        problem = answer.headers.get("content-type", "").startswith("application/problem+json")
        code = answer.json().get("code") if problem else None
        self.record.answers.append(Answer(phase, kind, answer.status_code, code, problem))
        if answer.status_code >= 500:
            await asyncio.sleep(0.5)  # a client backs off while the service is away
        return answer

    async def _loop(self, http: httpx.AsyncClient) -> None:
        while not self._done():
            opened = await self._send(
                http, "submit", "POST", "/cases", headers=self.citizen,
                files={"berkas_persyaratan": ("akta.pdf", b"%PDF-1.4 uji\n", "application/pdf")},
                data={"data": json.dumps({"sop_key": SOP, "form": FORM})})
            if opened is None or opened.status_code != 201:
                continue
            case = opened.json()
            self.record.submitted[case["id"]] = case["tracking_no"]
            await self._walk(http, case["id"], _step_of(case))

    async def _walk(self, http: httpx.AsyncClient, case_id: str, step: str | None) -> None:
        while step is not None and step in WALK and not self._done():
            role, action = WALK[step]
            done = await self._send(http, "act", "POST", f"/cases/{case_id}/actions",
                                    headers=self.officers[role],
                                    json={"action": action, "step": step})
            if done is not None and done.status_code == 200:
                self.record.acted.append((case_id, step, action))
                step = _step_of(done.json())
                continue
            # The answer was lost or refused: where does the case stand now?
            while not self._done():
                seen = await self._send(http, "read", "GET", f"/cases/{case_id}",
                                        headers=self.officers["operator"])
                if seen is not None and seen.status_code == 200:
                    step = _step_of(seen.json())
                    break


def _step_of(case: dict[str, object]) -> str | None:
    current = case.get("current_step")
    return str(current["id"]) if isinstance(current, dict) else None
