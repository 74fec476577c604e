"""Shipped SOP versions are immutable (ARCHITECTURE.md §3): a service whose SOP file changed
content without a version bump refuses to start, naming the SOP; bumping the version starts it,
with both versions kept and a running case left on the version it started with.

A copy of the dukcapil SOP folder in a temp directory, on SQLite, started through the real app
factory (``build_runtime`` -> ``SopCatalog.sync_files``)."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.dukcapil.app import SPEC
from shared.db.tables import SopVersionRow
from shared.sop.validate import SopValidationError
from shared.web.app import create_service_app
from tests.support.apps import running, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

NEW_TEXT = "Operator memverifikasi permohonan masuk (teks revisi)"
TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-versi", "citizen")


def _folder(tmp: Path) -> Path:
    folder = tmp / "sops"
    shutil.copytree(SPEC.sops_dir, folder)
    return folder


def _app(tmp: Path, folder: Path) -> FastAPI:
    spec = dataclasses.replace(SPEC, sops_dir=folder)
    settings = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}", tmp)
    return create_service_app(spec, settings, wiring(TOKENS))


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in data["steps"] if s["id"] == step_id)
    return step


async def _stored(tmp: Path) -> list[tuple[int, str]]:
    """(version, activity of verifikasi_permohonan) of every stored KIA version."""
    db = create_async_engine(f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}")
    try:
        async with db.connect() as conn:
            rows = (await conn.execute(select(SopVersionRow.version, SopVersionRow.definition)
                                       .where(SopVersionRow.key == KIA)
                                       .order_by(SopVersionRow.version))).all()
            total = await conn.scalar(select(func.count()).select_from(SopVersionRow))
    finally:
        await db.dispose()
    assert total and total >= 11  # the whole folder was synced
    out = []
    for version, definition in rows:
        if isinstance(definition, str):
            definition = json.loads(definition)
        out.append((version, _step(definition, "verifikasi_permohonan")["activity"]))
    return out


async def test_a_changed_file_without_a_version_bump_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    kia = folder / f"{KIA}.yaml"
    original = _step(yaml.safe_load(kia.read_text(encoding="utf-8")),
                     "verifikasi_permohonan")["activity"]

    async with running(_app(tmp_path, folder)) as client:
        assert [v["version"] for v in (await client.get(f"/sops/{KIA}/versions")).json()] == [1]
        opened = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                                   data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
        assert opened.status_code == 201 and opened.json()["sop_version"] == 1
        first_case = opened.json()["id"]

    # Re-writing the file in another layout (same content) is no change: it starts.
    _edit(kia, lambda data: None)
    async with running(_app(tmp_path, folder)) as client:
        assert (await client.get("/readyz")).json() == {"status": "ready"}

    # One step's text changed, version still 1: refused, naming the SOP and the version.
    _edit(kia, lambda data: _step(data, "verifikasi_permohonan").update(activity=NEW_TEXT))
    with pytest.raises(SopValidationError) as refused:
        async with running(_app(tmp_path, folder)):
            pytest.fail("the service started on a changed version 1")
    assert KIA in str(refused.value) and "versi 1" in str(refused.value)
    assert [p.sop for p in refused.value.problems] == [KIA]
    assert await _stored(tmp_path) == [(1, original)]  # nothing was written

    # The same change as version 2: accepted; both versions kept, each with its own text.
    _edit(kia, lambda data: data.update(version=2))
    async with running(_app(tmp_path, folder)) as client:
        versions = (await client.get(f"/sops/{KIA}/versions")).json()
        assert [(v["version"], v["origin"]) for v in versions] == [(1, "file"), (2, "file")]
        old = (await client.get(f"/sops/{KIA}", params={"version": 1})).json()
        new = (await client.get(f"/sops/{KIA}")).json()
        assert (old["version"], _step(old, "verifikasi_permohonan")["activity"]) == (1, original)
        assert (new["version"], _step(new, "verifikasi_permohonan")["activity"]) == (2, NEW_TEXT)
        # The running case stays on version 1 and shows its text; a new case starts on 2.
        running_case = (await client.get(f"/cases/{first_case}", headers=CITIZEN)).json()
        assert running_case["sop_version"] == 1
        assert running_case["current_step"]["activity"] == original
        opened = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                                   data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
        assert opened.status_code == 201, opened.text
        assert opened.json()["sop_version"] == 2
        assert opened.json()["current_step"]["activity"] == NEW_TEXT
    assert await _stored(tmp_path) == [(1, original), (2, NEW_TEXT)]

    # And version 2 is now as immutable as version 1 was.
    _edit(kia, lambda data: _step(data, "verifikasi_permohonan").update(time="20 menit"))
    with pytest.raises(SopValidationError) as again:
        async with running(_app(tmp_path, folder)):
            pytest.fail("the service started on a changed version 2")
    assert KIA in str(again.value) and "versi 2" in str(again.value)


async def test_a_refused_start_leaves_no_open_connection(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    async with running(_app(tmp_path, folder)):
        pass
    _edit(folder / f"{KIA}.yaml", lambda data: data.update(title=data["title"] + " (ubah)"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SopValidationError):
            async with running(_app(tmp_path, folder)):
                pytest.fail("the service started on a changed version 1")
        for _ in range(3):
            await asyncio.sleep(0)
            gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)
              and "aiosqlite" in str(w.message)]
    assert leaked == []
