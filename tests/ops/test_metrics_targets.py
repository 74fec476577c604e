"""Prometheus scrapes the metrics listeners, never the public ports: the scrape config of
``make up`` names the ports deploy/local/distributed.sh gives the processes, and the compose
scrape config names every compose process on 9464, which no container publishes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.ops.test_metrics_promtool import promtool

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROCESS_MODULES = ("gateway.run", "services.run", "services.worker")


def targets(config: Path) -> dict[str, str]:
    """process label -> target of a static scrape config."""
    out: dict[str, str] = {}
    for job in yaml.safe_load(config.read_text())["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        for group in job["static_configs"]:
            (target,) = group["targets"]
            out[group["labels"]["process"]] = target
    return out


def _ports(script: str, name: str) -> dict[str, int]:
    body = re.search(rf"declare -A {name}=\((.*?)\)", script, re.S)
    assert body, name
    return {k: int(v) for k, v in re.findall(r"\[(\w+)\]=(\d+)", body.group(1))}


def test_make_up_is_scraped_on_the_metrics_listeners() -> None:
    script = (DEPLOY / "local" / "distributed.sh").read_text()
    api, metrics = _ports(script, "PORT"), _ports(script, "METRICS")
    assert set(api) == set(metrics) and not set(api.values()) & set(metrics.values())
    expected = {name: f"127.0.0.1:{port}" for name, port in metrics.items()}
    expected |= {f"{name}-worker": f"127.0.0.1:{port + 100}"
                 for name, port in api.items() if name != "gateway"}
    assert targets(DEPLOY / "prometheus" / "prometheus.yml") == expected
    assert 'HALO_METRICS_PORT="${METRICS[gateway]}"' in script
    assert 'HALO_METRICS_PORT="${METRICS[$s]}"' in script
    assert "--metrics-port $((PORT[$s] + 100))" in script


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    return data


def test_compose_is_scraped_inside_its_network_only() -> None:
    services = _compose()["services"]
    processes = {name for name, s in services.items()
                 if any(m in " ".join(s.get("command", [])) for m in PROCESS_MODULES)}
    assert {"gateway", "dukcapil", "dukcapil-worker", "umum-worker"} <= processes
    assert targets(DEPLOY / "prometheus" / "compose.yml") == {
        name: f"{name}:9464" for name in processes}
    for name in processes:
        published = " ".join(str(p) for p in services[name].get("ports", []))
        assert "9464" not in published, name
    prometheus = services["prometheus"]
    assert prometheus["command"] == ["--config.file=/etc/prometheus/compose.yml"]
    assert prometheus["volumes"] == ["../prometheus:/etc/prometheus:ro"]
    assert all(str(p).startswith("127.0.0.1:") for p in prometheus["ports"])


def test_the_compose_scrape_config_passes_promtool() -> None:
    done = subprocess.run([promtool(), "check", "config",
                           str(DEPLOY / "prometheus" / "compose.yml")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
