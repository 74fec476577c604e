"""The worker's liveness heartbeat: the loop writes the file, the probe command passes while
it is fresh and fails when it is stale or missing; the worker beats only when asked to."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from shared.observability import heartbeat
from tests.deploy.manifests import ROOT


def test_probe_passes_on_a_fresh_beat_and_fails_on_a_stale_or_missing_one(
        tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    assert heartbeat.main(["check", str(beat), "60"]) == 1
    heartbeat.beat(beat)
    assert heartbeat.main(["check", str(beat), "60"]) == 0
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert heartbeat.main(["check", str(beat), "60"]) == 1
    assert heartbeat.is_fresh(beat, 60, now=old + 30)
    assert heartbeat.main(["check", str(beat)]) == 2


def test_the_probe_command_of_the_manifests_runs(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    command = [sys.executable, "-m", "shared.observability.heartbeat", "check", str(beat), "60"]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60).returncode == 1
    heartbeat.beat(beat)
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60).returncode == 0


async def test_the_loop_beats_until_stopped(tmp_path: Path) -> None:
    beat = tmp_path / "run" / "heartbeat"
    stop = asyncio.Event()
    task = asyncio.create_task(heartbeat.run(beat, stop, interval_s=3600))
    for _ in range(200):
        if beat.exists():
            break
        await asyncio.sleep(0.01)
    assert heartbeat.is_fresh(beat, 60)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert task.done() and task.exception() is None


def test_the_worker_process_beats_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The real worker (in-process bus, SQLite): with ``HALO_HEARTBEAT_FILE`` it writes the
    file the probe reads; SIGTERM stops it cleanly."""
    beat = tmp_path / "run" / "heartbeat"
    env = {**os.environ, "HALO_BUS": "memory", "HALO_VAR_DIR": str(tmp_path / "var"),
           "HALO_UMUM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'umum.db'}",
           "HALO_HEARTBEAT_FILE": str(beat), "HALO_ENV": "development"}
    proc = subprocess.Popen([sys.executable, "-m", "services.worker", "umum"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not beat.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert heartbeat.main(["check", str(beat), "60"]) == 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
