"""Where the regulation text and its structured reading live (``docs/regulation``)."""

from __future__ import annotations

from pathlib import Path

REGULATION_DIR = Path(__file__).resolve().parents[2] / "docs" / "regulation"
REGULATION = REGULATION_DIR / "perbup-19-2026-halo-lamsel.txt"
SEED = REGULATION_DIR / "sops.json"
