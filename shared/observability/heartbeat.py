"""A liveness heartbeat for processes that serve no HTTP (the workers).

The worker touches a file from its event loop (``HALO_HEARTBEAT_FILE``) every few seconds;
the Kubernetes exec probe ``python -m shared.observability.heartbeat check <file> <max-age-s>``
fails when the file is missing or older than the limit: the loop is stuck or dead.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path


def beat(path: Path) -> None:
    """Record that the loop is alive now (atomically: the probe never sees a partial file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{time.time():.0f}\n")
    tmp.replace(path)


async def run(path: Path, stop: asyncio.Event, interval_s: float = 10.0) -> None:
    """Beat every ``interval_s`` seconds until ``stop`` is set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while not stop.is_set():
        beat(path)
        try:
            await asyncio.wait_for(stop.wait(), interval_s)
        except TimeoutError:
            pass


def is_fresh(path: Path, max_age_s: float, now: float | None = None) -> bool:
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age <= max_age_s


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "check":
        print("usage: python -m shared.observability.heartbeat check <file> <max-age-s>")
        return 2
    if is_fresh(Path(argv[1]), float(argv[2])):
        return 0
    print(f"heartbeat {argv[1]} missing or older than {argv[2]} s")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
