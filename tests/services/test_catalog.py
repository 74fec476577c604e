"""Every SOP of Perbup 19/2026 is defined in its owning service, loads and validates, and
its agency and roles exist in the registry (issue: all 113 SOPs)."""

from __future__ import annotations

import json
from pathlib import Path

from shared.registry import load_registry
from tests.support.seed import SEED
from tests.support.sops import all_sops

EXPECTED = {"dukcapil": 11, "perizinan": 37, "pengaduan": 8, "damkar": 5, "pajak": 4,
            "kepegawaian": 7, "umum": 41}


def test_counts_per_service_match_the_regulation() -> None:
    counts = {service: len(sops) for service, sops in all_sops().items()}
    assert counts == EXPECTED
    assert sum(counts.values()) == 113


def test_keys_are_unique_across_services() -> None:
    keys = [s.key for sops in all_sops().values() for s in sops]
    assert len(keys) == len(set(keys)) == 113


def test_every_sop_of_the_seed_index_is_defined_in_its_service() -> None:
    seed = json.loads(Path(SEED).read_text())
    defined = {s.key: service for service, sops in all_sops().items() for s in sops}
    assert {x["id"]: x["service"] for x in seed} == defined


def test_every_step_role_is_a_registered_scope() -> None:
    registry = load_registry()
    scopes = set(registry.scopes())
    for sops in all_sops().values():
        for sop in sops:
            for step in sop.steps:
                if step.kind == "applicant":
                    continue
                assert f"{step.agency or sop.agency}:{step.actor}" in scopes, (sop.key, step.id)


def test_titles_are_kept_as_printed() -> None:
    """``title`` is the printed title (typos kept; only OCR-glued words are split);
    ``display_title`` carries the corrected spelling where the print has a typo."""
    seed = {x["id"]: x for x in json.loads(SEED.read_text())}
    corrected = 0
    for sops in all_sops().values():
        for sop in sops:
            printed = "".join(seed[sop.key]["title"].split()).upper()
            assert "".join(sop.title.split()).upper() == printed, sop.key
            clean = " ".join(seed[sop.key]["title_clean"].split()).upper()
            if sop.display_title is not None:
                corrected += 1
                assert " ".join(sop.display_title.split()).upper() == clean, sop.key
            else:
                assert "".join(clean.split()) == printed, sop.key
    assert corrected == 8


def test_no_shipped_key_starts_with_another_services_name() -> None:
    """What keeps a key published at run time (it must start with its service's name) from
    ever naming another service's SOP."""
    for service, sops in all_sops().items():
        for sop in sops:
            others = [s for s in EXPECTED if s != service and sop.key.startswith(f"{s}-")]
            assert others == [], (service, sop.key)
