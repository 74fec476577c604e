"""HALO_DB_POOL_SIZE: the PostgreSQL connections a process keeps and never goes beyond, read
by services and the gateway, refused when it is not a whole number of at least one; the
engine's pool keeps that many and opens none beyond them."""

from __future__ import annotations

import pytest

from gateway.settings import GatewaySettings
from shared.db.session import DEFAULT_POOL_SIZE, make_engine
from shared.settings import ServiceSettings, SettingsError


@pytest.mark.parametrize(("given", "size"), [(None, DEFAULT_POOL_SIZE), ("5", 5), ("40", 40)])
def test_both_kinds_of_process_read_it(monkeypatch: pytest.MonkeyPatch, given: str | None,
                                       size: int) -> None:
    if given is None:
        monkeypatch.delenv("HALO_DB_POOL_SIZE", raising=False)
    else:
        monkeypatch.setenv("HALO_DB_POOL_SIZE", given)
    assert ServiceSettings.from_env("dukcapil").db_pool_size == size
    assert GatewaySettings.from_env().db_pool_size == size


@pytest.mark.parametrize("given", ["0", "-3", "dua puluh"])
def test_a_size_that_cannot_be_is_refused(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("HALO_DB_POOL_SIZE", given)
    with pytest.raises(SettingsError, match="HALO_DB_POOL_SIZE"):
        ServiceSettings.from_env("dukcapil")
    with pytest.raises(SettingsError, match="HALO_DB_POOL_SIZE"):
        GatewaySettings.from_env()


async def test_the_pool_keeps_that_many_and_opens_none_beyond() -> None:
    engine = make_engine("postgresql+asyncpg://halo@127.0.0.1:1/halo", pool=7)  # not connected
    try:
        pool = engine.sync_engine.pool
        assert pool.size() == 7  # type: ignore[attr-defined]
        assert pool._max_overflow == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
    engine = make_engine("postgresql+asyncpg://halo@127.0.0.1:1/halo")
    try:
        assert engine.sync_engine.pool.size() == DEFAULT_POOL_SIZE  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
