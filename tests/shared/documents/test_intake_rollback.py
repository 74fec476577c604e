"""Files of the folder store follow the request's transaction: a request that fails after
its documents were stored (here a department hook raising) leaves no file behind, and a
committed one keeps its files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from services.dukcapil.app import SPEC
from shared.cases.hooks import Hooks
from shared.db.session import make_engine, make_sessionmaker
from shared.documents.crypto import ChunkCipher, document_key
from shared.documents.folder import FolderStore
from shared.documents.intake import accept, store_all
from shared.web.app import ServiceSpec, create_service_app
from tests.shared.documents.samples import pdf
from tests.shared.documents.support import upload
from tests.support.apps import service_settings, wiring
from tests.support.kia import FORM, KIA
from tests.support.tokens import TestTokens


async def test_rolled_back_session_discards_committed_keeps(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "docs", ChunkCipher(document_key(b"k" * 32)))
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            [(_, lost)] = await store_all(store, await accept([upload(pdf())], None), session)
            assert (store.root / lost.path).exists()
            async with session.begin_nested():  # a savepoint ending is not the request's end
                await session.execute(text("SELECT 1"))
            assert (store.root / lost.path).exists()
            await session.rollback()
        assert not (store.root / lost.path).exists()
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            [(_, kept)] = await store_all(store, await accept([upload(pdf())], None), session)
            await session.commit()
        assert (store.root / kept.path).exists()
        assert await store.read_bytes(kept.path) == pdf()
    finally:
        await engine.dispose()


async def test_a_request_failing_after_the_upload_leaves_no_file(tmp_path: Path) -> None:
    hooks = Hooks()

    @hooks.after_leaving(KIA)
    async def broken(*_: Any) -> None:
        raise RuntimeError("department system down")

    tokens = TestTokens()
    settings = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", tmp_path)
    spec = ServiceSpec(name="dukcapil", title=SPEC.title, sops_dir=SPEC.sops_dir, hooks=hooks)
    app = create_service_app(spec, settings, wiring(tokens))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://svc") as client:
        failed = await client.post(
            "/cases", headers=tokens.headers("warga-1", "citizen"),
            files={"berkas_persyaratan": ("akta.pdf", pdf(), "application/pdf")},
            data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert failed.status_code == 500
    folder = settings.documents_dir
    assert not folder.exists() or list(folder.iterdir()) == []
