"""The README's walk-through, run as written against a real all-in-one process: a KIA case
returned, completed, signed, downloaded, verified, notified and rated. If the README drifts
from the API, this fails."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Walk a case through by hand"):]
    start = section.index("```sh\n") + 6
    return section[start:section.index("\n```", start)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_readme_walkthrough_runs_to_the_survey(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    # no metrics listener: a `make run` on this machine may hold 127.0.0.1:9464 already
    env.update(HALO_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT), HALO_METRICS_PORT="0")
    server = subprocess.Popen([sys.executable, "-m", "gateway.allinone", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
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
        script = _walkthrough().replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
        run = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.split()
        out = run.stdout
        assert "Akta kelahiran buram, unggah ulang" in out  # the return reason on the case
        assert re.search(r"\b470/\d{4}/DISDUKCAPIL/[IVXLC]+/20\d\d\b", out)  # the KIA number
        assert "%PDF-" in out and "valid" in lines  # downloaded and verified
        assert lines.count("completed") == 2  # the case and its tracking
        assert int(lines[-2]) > 0  # e-mails in the local mailbox
        assert re.match(r"20\d\d-\d\d-\d\dT", lines[-1])  # the survey answered
    finally:
        server.terminate()
        server.wait(timeout=30)
