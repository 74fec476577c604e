"""Command line check of SOP folders: ``python -m shared.sop.check services/*/sops``.

Loads and validates every file, prints each problem with its file, SOP and step, and a
count per folder. Exits 1 if any file is invalid. Used by authors of SOP definitions and
by ``make lint``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shared.registry import load_registry
from shared.sop.loader import load_sop_file
from shared.sop.validate import SopValidationError


def main(argv: list[str]) -> int:
    registry = load_registry()
    bad = 0
    for folder in (Path(a) for a in argv):
        service = folder.parent.name if folder.name == "sops" else None
        count = 0
        for path in sorted(folder.glob("*.yaml")):
            try:
                load_sop_file(path, registry, service)
                count += 1
            except SopValidationError as exc:
                bad += 1
                for problem in exc.problems:
                    print(f"{path}: {problem}")
        print(f"{folder}: {count} SOP valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
