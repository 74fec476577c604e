"""Prometheus config, alert rules and the dashboard are checked, not just shipped:
promtool validates config and rules; every dashboard and alert expression names only
metrics the processes really export."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from prometheus_client import REGISTRY

import shared.observability.metrics  # noqa: F401  (registers the metrics)
from tests.ops.test_metrics_promtool import promtool

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
METRIC = re.compile(r"\b(halo_[a-z_]+)")


def exported_names() -> set[str]:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
                "gauge": ("",)}
    names: set[str] = set()
    for family in REGISTRY.collect():
        names |= {family.name + s for s in suffixes.get(family.type, ("",))}
    return names


def test_prometheus_config_and_rules_pass_promtool() -> None:
    config = subprocess.run([promtool(), "check", "config", str(DEPLOY / "prometheus" /
                                                               "prometheus.yml")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert config.returncode == 0, config.stdout + config.stderr
    rules = subprocess.run([promtool(), "check", "rules", str(DEPLOY / "prometheus" /
                                                             "alerts.yml")],
                           capture_output=True, text=True, timeout=60, check=False)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "SUCCESS" in rules.stdout


def test_dashboard_and_alerts_use_exported_metrics() -> None:
    known = exported_names()
    dashboard = json.loads((DEPLOY / "grafana" / "halo-lamsel-sla.json").read_text())
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)) >= 10
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs.append((DEPLOY / "prometheus" / "alerts.yml").read_text())
    used = {m for e in exprs for m in METRIC.findall(e)}
    assert used, "no metric referenced"
    missing = sorted(used - known)
    assert missing == [], f"not exported by any process: {missing}"
