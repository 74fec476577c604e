"""Start-up reads 113 SOP files and the agency registry: with libyaml (PyYAML's C parser) when
it is there, which is what keeps the all-in-one's start-up short (bench/startup.py). The
pure-Python scanner is made to fail here, so a loader that falls back to it fails the test;
the documents read are the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
import yaml.scanner

from shared.registry import load_registry
from shared.sop.loader import FAST_LOADER, load_sop_folder

ROOT = Path(__file__).resolve().parents[3]
SOPS = ROOT / "services" / "dukcapil" / "sops"


def _no_python_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> bool:
        raise AssertionError("the pure-Python YAML scanner was used")
    monkeypatch.setattr(yaml.scanner.Scanner, "check_token", refuse)


def test_libyaml_is_there_and_is_the_loader() -> None:
    assert yaml.__with_libyaml__
    assert FAST_LOADER is yaml.CSafeLoader


def test_sop_files_and_the_registry_are_read_without_the_python_scanner(
        monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_registry()
    expected = [yaml.safe_load(p.read_text(encoding="utf-8"))["key"]
                for p in sorted(SOPS.glob("*.yaml"))]
    _no_python_scanner(monkeypatch)
    sops = load_sop_folder(SOPS, registry, "dukcapil")
    assert [s.key for s in sops] == expected and len(sops) > 5
    load_registry.cache_clear()
    try:
        assert load_registry().agencies.keys() == registry.agencies.keys()
    finally:
        load_registry.cache_clear()


def test_the_c_loader_stays_safe() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=FAST_LOADER)
