"""``HALO_DOCUMENT_STORE`` picks the backend: ``folder`` by default, ``database`` on request,
anything else refused at start; both encrypt with a key derived from the service's PII key."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.db.session import make_engine, make_sessionmaker
from shared.documents.database import DatabaseStore
from shared.documents.factory import build_store
from shared.documents.folder import FolderStore
from shared.settings import ServiceSettings, SettingsError


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("HALO_ENV", raising=False)
    monkeypatch.delenv("HALO_DOCUMENT_STORE", raising=False)
    return monkeypatch


@pytest.mark.parametrize(("value", "expected"), [
    (None, "folder"), ("folder", "folder"), ("database", "database"), (" Database ", "database"),
])
def test_the_setting(env: pytest.MonkeyPatch, value: str | None, expected: str) -> None:
    if value is not None:
        env.setenv("HALO_DOCUMENT_STORE", value)
    assert ServiceSettings.from_env("dukcapil").document_store == expected


def test_an_unknown_store_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("HALO_DOCUMENT_STORE", "s3")
    with pytest.raises(SettingsError, match="HALO_DOCUMENT_STORE"):
        ServiceSettings.from_env("dukcapil")


async def test_build_store(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    sessions = make_sessionmaker(engine)
    try:
        folder = build_store("folder", b"k" * 32, tmp_path / "docs", sessions)
        assert isinstance(folder, FolderStore) and folder.root == tmp_path / "docs"
        assert isinstance(build_store("database", b"k" * 32, tmp_path, sessions), DatabaseStore)
        with pytest.raises(ValueError):
            build_store("s3", b"k" * 32, tmp_path, sessions)
    finally:
        await engine.dispose()
