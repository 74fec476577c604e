"""The README's walk-throughs, run as written against one real all-in-one process: a KIA case
returned, completed, signed, downloaded, verified, notified and rated; and a department's own
rules (the age band naming the right SOP, a PBB-P2 bill paid through the bank's integration
account and reconciled). If the README drifts from the API, this fails."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _walkthrough(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading):]
    start = section.index("```sh\n") + 6
    return section[start:section.index("\n```", start)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Server = tuple[int, Path, dict[str, str]]
"""The all-in-one's port, its folder and the environment of the walk-throughs."""


@pytest.fixture(scope="module")
def allinone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("readme")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    # no metrics listener: a `make run` on this machine may hold 127.0.0.1:9464 already
    env.update(HALO_VAR_DIR=str(folder / "var"), PYTHONPATH=str(ROOT), HALO_METRICS_PORT="0")
    server = subprocess.Popen([sys.executable, "-m", "gateway.allinone", "--port", str(port)],
                              cwd=folder, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "no start"
            time.sleep(0.5)
        yield port, folder, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def _run(heading: str, allinone: Server) -> str:
    port, folder, env = allinone
    script = _walkthrough(heading).replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
    run = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=folder,
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_readme_walkthrough_runs_to_the_survey(
        allinone: Server) -> None:
    out = _run("## Walk a case through by hand", allinone)
    lines = out.split()
    assert "Akta kelahiran buram, unggah ulang" in out  # the return reason on the case
    assert re.search(r"\b470/\d{4}/DISDUKCAPIL/[IVXLC]+/20\d\d\b", out)  # the KIA number
    assert "%PDF-" in out and "valid" in lines  # downloaded and verified
    assert lines.count("completed") == 2  # the case and its tracking
    assert int(lines[-2]) > 0  # e-mails in the local mailbox
    assert re.match(r"20\d\d-\d\d-\d\dT", lines[-1])  # the survey answered


def test_the_readme_department_walkthrough_pays_a_pbb_bill(
        allinone: Server) -> None:
    lines = _run("## A department's own rules by hand", allinone).split()
    assert lines[0] == "dukcapil-kia-5-17-tahun"  # the SOP the refusal names
    due = int(lines[1])
    assert due >= 112000  # the 2026 bill: its principal, with interest once late
    assert lines[2:4] == ["kode_pembayaran", "pembayaran_bank"]  # code issued, at the bank
    assert lines[4:7] == ["422", "200", "200"]  # wrong amount, paid, the same reference again
    assert lines[7] == "cetak_bukti"  # the bank's confirmation moved the case on
    assert int(lines[8]) == due  # reconciled: the day's payments


def test_the_readme_fire_walkthrough_reaches_the_nearest_post(
        allinone: Server) -> None:
    lines = _run("## A fire reported without an account", allinone).split("\n")
    assert lines[0] == "202"  # the code was sent
    assert lines[1] == "damkar-outside-regency"  # Jakarta is not in the regency
    assert lines[2] == "pos-kalianda"  # the nearest post of Jl. Soekarno-Hatta, Kalianda
    assert lines[3] == "tiba_di_lokasi"  # the reporter sees the crew on its way
    assert float(lines[4]) >= 0  # minutes from the report to the arrival
    post, reports, within = lines[5].split()
    assert (post, int(reports), int(within)) == ("pos-kalianda", 1, 1)  # within 15 minutes
