"""The Kubernetes scrape config (deploy/prometheus/kubernetes.yml) gives every pod of the
base the labels the alert rules use, so ``HaloProcessDown`` can fire there.

Debian's promtool is built without Kubernetes discovery, so the config is checked with the
discovery swapped for a file (the relabelling is checked by promtool as written), the
relabelling is applied here to the pods the manifests really describe (the subset of
Prometheus relabelling the file uses: keep, drop, replace), and ``promtool test rules``
runs alerts.yml on ``up`` series carrying exactly those labels."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.manifests import DEPLOY, of_kind, render
from tests.ops.test_metrics_promtool import promtool

CONFIG = DEPLOY / "prometheus" / "kubernetes.yml"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"


def _sanitize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def relabel(meta: dict[str, str], rules: list[dict[str, Any]]) -> dict[str, str] | None:
    """Prometheus relabelling (keep, drop, replace) of one target; None when dropped."""
    labels = dict(meta)
    for rule in rules:
        value = rule.get("separator", ";").join(labels.get(s, "")
                                                for s in rule.get("source_labels", []))
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        action = rule.get("action", "replace")
        if action == "keep" and not match:
            return None
        if action == "drop" and match:
            return None
        if action == "replace" and match:
            replacement = re.sub(r"\$(\d+)", r"\\\1", rule.get("replacement", "$1"))
            labels[rule["target_label"]] = match.expand(replacement)
    return {k: v for k, v in labels.items() if not k.startswith("__") or k == "__address__"}


def pod_meta(doc: dict[str, Any], ip: str) -> dict[str, str]:
    template = doc["spec"]["template"]["metadata"]
    meta = {"__address__": f"{ip}:80", "__meta_kubernetes_namespace": doc["metadata"]
            ["namespace"], "__meta_kubernetes_pod_ip": ip, "__meta_kubernetes_pod_phase":
            "Running", "__meta_kubernetes_pod_name": f"{doc['metadata']['name']}-7d9f-x2"}
    for key, value in template.get("labels", {}).items():
        meta[f"__meta_kubernetes_pod_label_{_sanitize(key)}"] = value
    for key, value in template.get("annotations", {}).items():
        meta[f"__meta_kubernetes_pod_annotation_{_sanitize(key)}"] = value
    return meta


def _rules() -> list[dict[str, Any]]:
    config = yaml.safe_load(CONFIG.read_text())
    job, = config["scrape_configs"]
    assert job["kubernetes_sd_configs"][0]["role"] == "pod"
    return list(job["relabel_configs"])


def scraped_targets() -> dict[str, dict[str, str]]:
    """Deployment name -> the labels of its pod's target."""
    out: dict[str, dict[str, str]] = {}
    for i, (name, doc) in enumerate(sorted(of_kind(render(), "Deployment").items())):
        labels = relabel(pod_meta(doc, f"10.1.0.{i + 10}"), _rules())
        assert labels is not None, f"{name} is not scraped"
        out[name] = labels
    return out


def test_every_pod_is_scraped_on_its_metrics_port_with_the_alert_labels() -> None:
    targets = scraped_targets()
    assert len(targets) == 15
    for name, labels in targets.items():
        assert labels["__address__"].endswith(":9464"), name
        assert labels["job"] == ("halo-worker" if name.endswith("-worker") else "halo-api")
        assert labels["process"] == name
        assert labels["instance"] == labels["pod"] == f"{name}-7d9f-x2"
        assert labels["namespace"] == "halo-lamsel"


def test_jobs_and_pods_without_the_annotation_are_not_scraped() -> None:
    for doc in of_kind(render(), "Job").values():
        assert relabel(pod_meta({**doc, "metadata": {**doc["metadata"]}}, "10.1.1.1"),
                       _rules()) is None
    gateway = of_kind(render(), "Deployment")["gateway"]
    meta = pod_meta(gateway, "10.1.1.2")
    assert relabel({**meta, "__meta_kubernetes_pod_phase": "Succeeded"}, _rules()) is None


def test_the_config_passes_promtool(tmp_path: Path) -> None:
    config = yaml.safe_load(CONFIG.read_text())
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps([{"targets": ["10.1.0.10:9464"], "labels": {}}]))
    for job in config["scrape_configs"]:
        job.pop("kubernetes_sd_configs")
        job["file_sd_configs"] = [{"files": [str(targets)]}]
    config["rule_files"] = [str(ALERTS)]
    checked = tmp_path / "prometheus.yml"
    checked.write_text(yaml.safe_dump(config))
    result = subprocess.run([promtool(), "check", "config", str(checked)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_process_down_fires_for_a_kubernetes_pod_and_not_for_a_healthy_one(
        tmp_path: Path) -> None:
    targets = scraped_targets()
    down = {n: t for n, t in targets.items() if n in ("gateway", "dukcapil-worker", "pajak")}
    series = []
    for name, labels in targets.items():
        public = {k: v for k, v in labels.items() if not k.startswith("__")}
        selector = ",".join(f'{k}="{v}"' for k, v in sorted(public.items()))
        series.append({"series": f"up{{{selector}}}",
                       "values": "0x10" if name in down else "1x10"})
    expected = [{"exp_labels": {**{k: v for k, v in down[n].items() if not k.startswith("__")},
                                "alertname": "HaloProcessDown", "severity": "critical"},
                 "exp_annotations": {"summary": f"{n} tidak dapat di-scrape"}}
                for n in sorted(down)]
    tests = {"rule_files": [str(ALERTS)], "evaluation_interval": "1m",
             "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": [
                 {"eval_time": "1m", "alertname": "HaloProcessDown", "exp_alerts": []},
                 {"eval_time": "5m", "alertname": "HaloProcessDown",
                  "exp_alerts": expected}]}]}
    path = tmp_path / "k8s-rules-test.yml"
    path.write_text(yaml.safe_dump(tests))
    result = subprocess.run([promtool(), "test", "rules", str(path)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
    # the same check fails when a pod's labels do not reach the alert (e.g. no job label)
    broken = json.loads(json.dumps(tests))
    broken["tests"][0]["input_series"] = [
        {**s, "series": re.sub(r'job="[^"]+",?', "", s["series"])} for s in series]
    path.write_text(yaml.safe_dump(broken))
    result = subprocess.run([promtool(), "test", "rules", str(path)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode != 0
