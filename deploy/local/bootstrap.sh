#!/usr/bin/env bash
# The Python set-up behind `make run`, `make test` and the other make targets: finds Python 3.11,
# gets uv without touching the system Python, and installs the pinned packages of uv.lock into
# .venv (built on that Python 3.11).
#
#   deploy/local/bootstrap.sh            (make does this; run it by hand after a failure)
#
# Python: $PYTHON if set, else `python3.11`, else `python3` when it is 3.11. Nothing else is
# accepted (pyproject.toml: requires-python >=3.11,<3.12).
# uv: the `uv` on PATH if there is one, else .tools/bin/uv, installed with pip into the venv
# .tools (`python3.11 -m venv .tools && .tools/bin/pip install uv==$UV_VERSION`): a stock
# Debian 12 or Ubuntu 24.04 refuses `pip install` into the system Python
# (externally-managed-environment), and this never asks it to.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
UV_VERSION="${UV_VERSION:-0.13.9}"
TOOLS="${TOOLS:-$ROOT/.tools}"
VENV="${VENV:-$ROOT/.venv}"

fail() { printf 'bootstrap.sh: %s\n' "$*" >&2; exit 1; }
is_311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; }

find_python() {
  local candidate
  if [[ -n "${PYTHON:-}" ]]; then
    candidate="$(command -v "$PYTHON" || true)"
    [[ -n "$candidate" ]] && is_311 "$candidate" && { echo "$candidate"; return; }
    fail "PYTHON=$PYTHON is not a Python 3.11 interpreter"
  fi
  for name in python3.11 python3; do
    candidate="$(command -v "$name" || true)"
    if [[ -n "$candidate" ]] && is_311 "$candidate"; then echo "$candidate"; return; fi
  done
  fail "Halo Lamsel needs Python 3.11 and none was found (python3.11, or python3 being 3.11).
  Debian 12:    sudo apt-get install python3.11 python3.11-venv
  Ubuntu 24.04: sudo add-apt-repository ppa:deadsnakes/ppa && sudo apt-get install python3.11 python3.11-venv
  or point PYTHON at one: make run PYTHON=/path/to/python3.11"
}

PY311="$(find_python)"

if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
else
  UV="$TOOLS/bin/uv"
  if [[ ! -x "$UV" ]]; then
    printf 'bootstrap.sh: installing uv %s into %s (a venv; the system Python is left alone)\n' \
      "$UV_VERSION" "$TOOLS" >&2
    "$PY311" -m venv "$TOOLS" || fail "could not create the venv $TOOLS with $PY311.
  Debian 12 / Ubuntu: sudo apt-get install python3.11-venv"
    "$TOOLS/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION" \
      || fail "pip could not install uv==$UV_VERSION into $TOOLS"
  fi
fi

# An existing .venv on Python 3.11 is kept as it is; otherwise uv builds it on $PY311.
if [[ -x "$VENV/bin/python" ]] && is_311 "$VENV/bin/python"; then
  "$UV" sync --frozen --quiet
else
  "$UV" sync --frozen --quiet --python "$PY311"
fi
