"""Child processes for the benchmarks that run the real programs (``python -m gateway.run``,
``python -m services.run``, ``python -m services.worker``, nginx): their environment, start,
readiness, logs and stop, and the temporary folder of one run.

Nothing here runs at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSED_ENV = ("HALO_TOKEN_ISSUER", "HALO_TOKEN_AUDIENCE")
"""``HALO_*`` variables handed on to the children; every other ``HALO_*`` of the caller's
environment is dropped (a leftover ``HALO_GATEWAY_DATABASE_URL`` must not point a bench
process at a real database)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the benchmark dies without cleaning up (SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its ``HALO_*`` (but ``PASSED_ENV``), plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HALO_") or k in PASSED_ENV}
    env.update(PYTHONPATH=str(ROOT), HALO_VAR_DIR=str(var_dir), HALO_ENV="development")
    env.update(extra)
    return env


@dataclass
class Processes:
    """The children of one run, stopped in reverse order (SIGTERM, SIGKILL after a grace)."""

    log_dir: Path
    procs: list[tuple[str, subprocess.Popen[bytes], signal.Signals]] = field(
        default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str],
              stop_signal: signal.Signals = signal.SIGTERM) -> subprocess.Popen[bytes]:
        with (self.log_dir / f"{name}.log").open("wb") as log:
            # Own session: a Ctrl-C at the terminal reaches only the benchmark, whose
            # ``finally`` then stops the children in order.
            proc = subprocess.Popen(argv, env=env, cwd=str(ROOT), stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, preexec_fn=_die_with_parent)
        self.procs.append((name, proc, stop_signal))
        return proc

    def check_alive(self) -> None:
        for name, proc, _ in self.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def print_tails(self) -> None:
        for name, _, _ in self.procs:
            print(f"--- {name} log (tail) ---\n{self.tail(name)}", file=sys.stderr)

    def stop_all(self, grace_s: float = 20.0) -> None:
        for name, proc, sig in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(sig)
                try:
                    proc.wait(grace_s)
                except subprocess.TimeoutExpired:
                    print(f"{name} did not stop in {grace_s:.0f} s: SIGKILL", file=sys.stderr)
                    proc.kill()
                    proc.wait(5)
        self.procs.clear()


async def wait_ready(procs: Processes, *urls: str, timeout_s: float = 120.0) -> None:
    """Wait until every URL answers 200, one after the other; fail if a child exits."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2) as probe:
        for url in urls:
            while True:
                procs.check_alive()
                with contextlib.suppress(httpx.TransportError):
                    if (await probe.get(url)).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} not ready in {timeout_s:.0f} s")
                await asyncio.sleep(0.2)


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the benchmark like Ctrl-C does: through the ``finally`` blocks."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def run_folder(prefix: str, keep_logs: bool) -> Iterator[tuple[Path, Processes]]:
    """One run: a temporary folder (``<tmp>/var`` for ``HALO_VAR_DIR``, the children's logs)
    and its ``Processes``. On the way out the children are stopped (also on Ctrl-C and
    SIGTERM; on a failure their log tails are printed first) and the folder is removed
    unless ``keep_logs``."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    procs = Processes(tmp)
    try:
        with terminate_on_sigterm():
            (tmp / "var").mkdir()
            yield tmp, procs
    except KeyboardInterrupt:
        print("interrupted: stopping what this benchmark started", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception:
        procs.print_tails()
        raise
    finally:
        procs.stop_all()
        if keep_logs:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def mint_token(key_dir: Path, subject: str, roles: list[str], kind: str,
               ttl_s: int = 4 * 3600) -> str:
    """A token signed with the gateway's key set, as its login would issue it."""
    from shared.auth.keys import KeySet
    from shared.auth.tokens import TokenIssuer
    from shared.settings import token_settings

    issuer = TokenIssuer(KeySet.load_or_create(key_dir), token_settings())
    return issuer.issue(subject, roles, kind, ttl_s=ttl_s)
