"""``make run`` on a stock Debian 12 / Ubuntu 24.04: deploy/local/bootstrap.sh finds Python
3.11, gets uv from a venv of its own (.tools) and never asks the system Python's pip for
anything (such a system refuses: externally-managed-environment); a machine without Python
3.11 gets a message saying what to install. ``make run PORT=... HOST=...`` listens there.

The interpreter, pip and uv are local stand-ins (shell scripts on a PATH without a real uv):
the stand-in ``python3.11`` answers the version check as Python 3.11 does, creates a venv whose
``pip install uv==X`` drops a ``uv`` that records its arguments, and refuses ``-m pip`` as an
externally managed Python does.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "local" / "bootstrap.sh"

UV_STUB = """#!/bin/bash
echo "uv $*" >> "{log}"
"""
PIP_STUB = """#!/bin/bash
echo "venv-pip $*" >> "{log}"
[[ "$1" == install && "$*" == *uv==* ]] || exit 3
cat > "$(dirname "$0")/uv" <<'UV'
{uv}UV
chmod +x "$(dirname "$0")/uv"
"""
PYTHON_STUB = """#!/bin/bash
echo "{name} $*" >> "{log}"
if [[ "$1" == -c ]]; then exit {version_check}; fi
if [[ "$1 $2" == "-m pip" ]]; then
  echo "error: externally-managed-environment" >&2; exit 1
fi
if [[ "$1 $2" == "-m venv" ]]; then
  mkdir -p "$3/bin"
  cat > "$3/bin/pip" <<'PIP'
{pip}PIP
  chmod +x "$3/bin/pip"
  exit 0
fi
exit 2
"""


def _bin(tmp: Path, log: Path, pythons: dict[str, bool], uv_on_path: bool = False) -> Path:
    folder = tmp / "bin"
    folder.mkdir()
    uv = UV_STUB.format(log=log)
    pip = PIP_STUB.format(log=log, uv=uv)
    for name, is_311 in pythons.items():
        stub = folder / name
        stub.write_text(PYTHON_STUB.format(name=name, log=log, pip=pip,
                                           version_check=0 if is_311 else 1))
        stub.chmod(0o755)
    if "python3.11" not in pythons:  # the base system's own python3.11 must not be found
        os.symlink("/bin/false", folder / "python3.11")
    if uv_on_path:
        (folder / "uv").write_text(uv)
        (folder / "uv").chmod(0o755)
    return folder


def _run(tmp: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    # Only the stand-ins and the base system: no pyenv shims, no real uv, no .venv on PATH.
    env = {"PATH": f"{folder}:/usr/bin:/bin", "HOME": str(tmp), "TOOLS": str(tmp / ".tools"),
           "VENV": str(tmp / ".venv")}
    assert not any(Path(d, "uv").exists() for d in ("/usr/bin", "/bin"))
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)


def test_without_uv_it_is_installed_into_a_venv_not_into_the_system_python(
        tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    folder = _bin(tmp_path, log, {"python3.11": True, "python3": True})
    run = _run(tmp_path, folder)
    assert run.returncode == 0, run.stderr
    calls = log.read_text().splitlines()
    py = folder / "python3.11"
    assert f"python3.11 -m venv {tmp_path / '.tools'}" in calls
    assert "venv-pip install --quiet --disable-pip-version-check uv==0.13.9" in calls
    assert f"uv sync --frozen --quiet --python {py}" in calls
    assert not [c for c in calls if " -m pip" in c]  # the system pip is never asked
    assert (tmp_path / ".tools" / "bin" / "uv").exists()
    # A second run reuses the venv's uv.
    log.unlink()
    assert _run(tmp_path, folder).returncode == 0
    assert [c for c in log.read_text().splitlines() if "venv" in c] == []


def test_an_existing_venv_on_python_311_is_kept(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    folder = _bin(tmp_path, log, {"python3.11": True}, uv_on_path=True)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    os.symlink(folder / "python3.11", tmp_path / ".venv" / "bin" / "python")
    run = _run(tmp_path, folder)
    assert run.returncode == 0, run.stderr
    assert log.read_text().splitlines()[-1] == "uv sync --frozen --quiet"


def test_a_uv_on_path_is_used_as_it_is(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    folder = _bin(tmp_path, log, {"python3": True}, uv_on_path=True)
    run = _run(tmp_path, folder)
    assert run.returncode == 0, run.stderr
    calls = log.read_text().splitlines()
    assert calls[-1] == f"uv sync --frozen --quiet --python {folder / 'python3'}"
    assert not [c for c in calls if "venv" in c] and not (tmp_path / ".tools").exists()


def test_a_machine_without_python_311_is_told_what_to_install(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    folder = _bin(tmp_path, log, {"python3": False}, uv_on_path=True)
    run = _run(tmp_path, folder)
    assert run.returncode == 1
    assert "needs Python 3.11" in run.stderr and "python3.11-venv" in run.stderr
    assert "uv sync" not in (log.read_text() if log.exists() else "")


def test_make_run_takes_the_port_and_the_host() -> None:
    def planned(*args: str) -> str:
        return subprocess.run(["make", "-n", "-o", ".venv/.synced", "-o", "web", "run", *args],
                              cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m gateway.allinone --host 127.0.0.1 --port 8000" in planned()
    assert "-m gateway.allinone --host 0.0.0.0 --port 8010" in planned("PORT=8010",
                                                                        "HOST=0.0.0.0")
