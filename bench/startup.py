"""Start-up of the all-in-one as ``make run`` starts it (``python -m gateway.allinone``, demo
data on), in a fresh var folder: seconds from the process start to the first ``200`` of
``/healthz`` and of ``/readyz``, the resident memory (RSS) once ready, and the 15 largest
cumulative imports of the composed app (``import gateway.allinone_app``, which the program imports
in a thread while its port already answers; ``gateway.allinone`` in a tree older than that split)
(``python -X importtime``).

    .venv/bin/python bench/startup.py [--runs 3] [--port 0] [--baseline DIR]

``--baseline DIR``: another tree of the code (e.g. ``git archive <commit> | tar -x -C DIR``),
started with the same Python and packages, its runs alternating with this tree's in the same
process, so that both see the same machine load; the ratios (this tree / baseline) are printed.

Each run gets its own temporary ``HALO_VAR_DIR`` (nothing of ``var/`` is reused, so every run
migrates and seeds from scratch); the caller's other ``HALO_*`` variables are dropped. The
figures are the median over the runs; each run is printed too. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 180.0


@dataclass
class Run:
    healthz_s: float
    readyz_s: float
    rss_mb: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(var_dir: Path, tree: Path = ROOT) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update(HALO_VAR_DIR=str(var_dir), PYTHONPATH=str(tree))
    return env


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def one_run(port: int, tree: Path = ROOT) -> Run:
    with tempfile.TemporaryDirectory(prefix="halo-startup-") as tmp:
        var = Path(tmp) / "var"
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gateway.allinone", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=tmp, env=child_env(var, tree), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        healthz: float | None = None
        readyz: float | None = None
        try:
            with httpx.Client(timeout=5.0) as client:
                while readyz is None:
                    if proc.poll() is not None:
                        raise SystemExit(f"the all-in-one exited with {proc.returncode}")
                    if time.monotonic() - start > DEADLINE_S:
                        raise SystemExit("no /readyz within the deadline")
                    now = time.monotonic()
                    if healthz is None and _answers(client, f"{base}/healthz"):
                        healthz = now - start
                    if healthz is not None and _answers(client, f"{base}/readyz"):
                        readyz = time.monotonic() - start
                    else:
                        time.sleep(0.02)
            assert healthz is not None
            return Run(healthz, readyz, rss_mb(proc.pid))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def app_module(tree: Path) -> str:
    """The module that composes the app in ``tree``."""
    return ("gateway.allinone_app" if (tree / "gateway" / "allinone_app.py").exists()
            else "gateway.allinone")


def top_imports(count: int = 15, tree: Path = ROOT) -> list[tuple[int, str]]:
    """The ``count`` largest cumulative import times (µs) of the module composing the app."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          f"import {app_module(tree)}"],
                         cwd=tree, env=child_env(tree / "var", tree), capture_output=True,
                         text=True, check=True)
    rows = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:count]


def summary(label: str, runs: list[Run]) -> tuple[float, float, float]:
    medians = (statistics.median(r.healthz_s for r in runs),
               statistics.median(r.readyz_s for r in runs),
               statistics.median(r.rss_mb for r in runs))
    print(f"{label} median of {len(runs)}: /healthz {medians[0]:.2f} s, "
          f"/readyz {medians[1]:.2f} s, RSS {medians[2]:.0f} MB")
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/startup.py", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="0: a free port per run")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another tree of the code to compare with (runs alternate)")
    args = parser.parse_args(argv)
    print(f"== {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} on {os.cpu_count()} cores, "
          f"load: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    trees = [("this tree", ROOT)]
    if args.baseline is not None:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    runs: dict[str, list[Run]] = {label: [] for label, _ in trees}
    for number in range(1, args.runs + 1):
        for label, tree in trees:
            run = one_run(args.port or free_port(), tree)
            runs[label].append(run)
            print(f"{label} run {number}: /healthz {run.healthz_s:.2f} s, "
                  f"/readyz {run.readyz_s:.2f} s, RSS {run.rss_mb:.0f} MB", flush=True)
    medians = {label: summary(label, runs[label]) for label, _ in trees}
    if args.baseline is not None:
        now, base = medians["this tree"], medians["baseline"]
        print(f"ratio this tree / baseline: /healthz {now[0] / base[0]:.2f}, "
              f"/readyz {now[1] / base[1]:.2f}, RSS {now[2] / base[2]:.2f}")
    for label, tree in trees:
        print(f"top 15 cumulative imports of `import {app_module(tree)}` ({label}, "
              "python -X importtime):")
        for cumulative, name in top_imports(tree=tree):
            print(f"  {cumulative / 1e6:6.3f} s  {name.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
