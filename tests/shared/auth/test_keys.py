"""The key set: retirement by time (not by count), persistence of the retirement time, the
shared folder that every replica follows, production-safe loading and the CLI."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from shared.auth.keys import KeyFolderError, KeySet, main, new_key

TTL = 900
CLOCK_SKEW_S = 60
T0 = 1_800_000_000.0


def kids(keyset: KeySet, now: float) -> list[str]:
    return [k["kid"] for k in keyset.jwks(now=now)["keys"]]


def test_rotations_keep_retired_keys_until_their_tokens_expired() -> None:
    keyset = KeySet([new_key()])
    first = keyset.active.kid
    for minute in (1, 2, 3):  # three rotations within one access-token lifetime
        keyset.rotate(TTL, now=T0 + 60 * minute)
    assert kids(keyset, T0 + 200)[0] == first and len(kids(keyset, T0 + 200)) == 4
    # the first key retired at T0+60: still published at retirement + TTL + skew ...
    assert first in kids(keyset, T0 + 60 + TTL + CLOCK_SKEW_S)
    # ... and gone one second later, while the later ones stay
    later = kids(keyset, T0 + 61 + TTL + CLOCK_SKEW_S)
    assert first not in later and len(later) == 3
    assert kids(keyset, T0 + 10_000) == [keyset.active.kid]


def test_rotation_drops_expired_keys_and_their_private_files(tmp_path: Path) -> None:
    keyset = KeySet.load_or_create(tmp_path)
    first = keyset.active.kid
    keyset.rotate_and_save(tmp_path, TTL, now=T0)
    second = keyset.active.kid
    keyset.rotate_and_save(tmp_path, TTL, now=T0 + TTL + CLOCK_SKEW_S + 1)
    assert [k.kid for k in keyset.keys] == [second, keyset.active.kid]
    assert not (tmp_path / f"{first}.pem").exists()
    assert (tmp_path / f"{second}.pem").exists()


def test_the_retirement_time_is_persisted(tmp_path: Path) -> None:
    keyset = KeySet.load_or_create(tmp_path)
    old = keyset.active.kid
    keyset.rotate_and_save(tmp_path, TTL, now=T0)
    index = json.loads((tmp_path / "keys.json").read_text())
    assert index["keys"][0] == {"kid": old, "retired_at": int(T0),
                                "retain_until": int(T0) + TTL + CLOCK_SKEW_S}
    again = KeySet.load(tmp_path)
    assert [(k.kid, k.retired_at) for k in again.keys] == [(old, int(T0)),
                                                           (keyset.active.kid, None)]
    assert kids(again, T0 + TTL) == [old, keyset.active.kid]
    assert kids(again, T0 + TTL + CLOCK_SKEW_S + 1) == [keyset.active.kid]


def test_private_keys_are_owner_only(tmp_path: Path) -> None:
    keyset = KeySet.load_or_create(tmp_path / "keys")
    mode = (tmp_path / "keys" / f"{keyset.active.kid}.pem").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_replica_follows_a_rotation_saved_by_another(tmp_path: Path) -> None:
    now = [0.0]
    a = KeySet.load_or_create(tmp_path)
    b = KeySet(KeySet.load(tmp_path).keys, folder=tmp_path, clock=lambda: now[0])
    old = b.active.kid
    new = a.rotate_and_save(tmp_path, TTL).kid
    now[0] += 0.5
    assert b.active.kid == old                 # signing: the folder is checked every few s
    now[0] += b.check_every_s
    assert b.active.kid == new
    c = KeySet.load(tmp_path)
    newer = a.rotate_and_save(tmp_path, TTL).kid
    assert [k["kid"] for k in c.jwks()["keys"]] == [old, new, newer]   # JWKS: at once


def test_rotations_on_two_replicas_build_on_each_other(tmp_path: Path) -> None:
    a = KeySet.load_or_create(tmp_path)
    b = KeySet.load(tmp_path)
    first = a.active.kid
    second = a.rotate_and_save(tmp_path, TTL).kid
    third = b.rotate_and_save(tmp_path, TTL).kid  # b had not reloaded yet
    assert [k.kid for k in KeySet.load(tmp_path).keys] == [first, second, third]


def test_an_unreadable_change_keeps_the_current_keys(tmp_path: Path) -> None:
    keyset = KeySet.load_or_create(tmp_path)
    kid = keyset.active.kid
    (tmp_path / "keys.json").write_text('{"keys": [{"kid": "kmissing"}]}')
    assert not keyset.reload_if_changed()
    assert [k["kid"] for k in keyset.jwks()["keys"]] == [kid]


def test_the_first_index_format_still_loads(tmp_path: Path) -> None:
    old, current = new_key(), new_key()
    for key in (old, current):
        (tmp_path / f"{key.kid}.pem").write_bytes(key.pem())
    (tmp_path / "keys.json").write_text(json.dumps({"order": [old.kid, current.kid]}))
    keyset = KeySet.load(tmp_path)
    assert keyset.active.kid == current.kid
    assert [k["kid"] for k in keyset.jwks()["keys"]] == [old.kid, current.kid]
    assert keyset.keys[0].retired_at is not None and keyset.keys[1].retired_at is None


def test_load_refuses_a_missing_folder_and_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(KeyFolderError) as refused:
        KeySet.load(tmp_path / "keys")
    assert f"python -m shared.auth.keys create {tmp_path / 'keys'}" in str(refused.value)
    assert not (tmp_path / "keys").exists()


def test_cli_creates_once_and_rotates(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    folder = tmp_path / "keys"
    assert main(["create", str(folder)]) == 0
    kid = KeySet.load(folder).active.kid
    assert main(["create", str(folder)]) == 1                 # never overwrites
    assert main(["create", "--if-missing", str(folder)]) == 0
    assert KeySet.load(folder).active.kid == kid
    assert main(["rotate", str(folder), "--access-ttl", "600"]) == 0
    rotated = KeySet.load(folder)
    assert rotated.active.kid != kid
    assert rotated.keys[0].retain_until == rotated.keys[0].retired_at + 600 + CLOCK_SKEW_S
    capsys.readouterr()
    assert main(["list", str(folder)]) == 0
    listing = capsys.readouterr().out
    assert kid in listing and "PRIVATE" not in listing
    assert main(["list", str(tmp_path / "none")]) == 2
