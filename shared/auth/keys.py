"""Signing keys and the public key set (JWKS).

Access tokens are signed with Ed25519 (JWS ``EdDSA``), each key with a ``kid``. Rotation adds
a new active key and *retires* the old one: a retired public key stays in the JWKS until its
retirement time + the access-token lifetime + :data:`CLOCK_SKEW_S`, so every token it signed
expires before it goes. The retirement time is kept with the key.

The key folder (``HALO_KEY_DIR``) holds one PEM per key (mode 0600) and ``keys.json`` (the
order and retirement times), both written atomically. Every gateway replica mounts the same
folder: a :class:`KeySet` loaded from it re-reads ``keys.json`` when its content changed —
on every JWKS read, and at most every ``check_every_s`` seconds when signing — so a rotation
saved by one replica is served and used by all of them. In production the folder is never
created implicitly: ``python -m shared.auth.keys create <folder>`` makes it once.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger("halo.auth")
INDEX = "keys.json"
LOCK = ".lock"
CLOCK_SKEW_S = 60
"""Extra time a retired key stays published, for clocks that run a little behind."""
DEFAULT_ACCESS_TTL_S = 900
CHECK_EVERY_S = 2.0
_KID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class KeyFolderError(RuntimeError):
    """The key folder is missing or unreadable (a start-up error for the operator)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    retired_at: int | None = None
    """When it stopped signing (epoch seconds); None for the active key."""
    retain_until: int | None = None
    """Until when its public key stays published (epoch seconds); None while active."""

    def public_jwk(self) -> dict[str, Any]:
        raw = self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                     serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": self.kid,
                "use": "sig", "alg": "EdDSA"}

    def pem(self) -> bytes:
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())

    def published(self, now: float) -> bool:
        return self.retain_until is None or now <= self.retain_until


def new_key() -> SigningKey:
    return SigningKey(kid=f"k{secrets.token_hex(6)}", private=Ed25519PrivateKey.generate())


def rotated(keys: list[SigningKey], access_ttl_s: float, now: float) -> list[SigningKey]:
    """Retire the active key, add a new one, and drop retired keys whose time is up."""
    *older, active = keys
    at = int(now)
    retired = replace(active, retired_at=at, retain_until=at + int(access_ttl_s) + CLOCK_SKEW_S)
    return [k for k in older if k.published(now)] + [retired, new_key()]


class KeySet:
    """The active signing key (the last) plus retired keys still published for verification.

    With a ``folder`` the set follows that folder's ``keys.json`` (see the module doc)."""

    def __init__(self, keys: list[SigningKey], folder: Path | None = None,
                 check_every_s: float = CHECK_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not keys:
            raise ValueError("a key set needs at least one key")
        self._keys = list(keys)
        self.folder = folder
        self.check_every_s = check_every_s
        self._clock = clock
        self._checked_at = clock()
        self._index: bytes | None = None
        self._lock = threading.Lock()

    @property
    def active(self) -> SigningKey:
        if self.folder is not None and self._clock() - self._checked_at >= self.check_every_s:
            self.reload_if_changed()
        return self._keys[-1]

    @property
    def keys(self) -> list[SigningKey]:
        return list(self._keys)

    def jwks(self, now: float | None = None) -> dict[str, Any]:
        """The published public keys (re-reads the folder first: JWKS reads are rare)."""
        self.reload_if_changed()
        moment = time.time() if now is None else now
        return {"keys": [k.public_jwk() for k in self._keys if k.published(moment)]}

    def reload_if_changed(self) -> bool:
        """Re-read the folder if ``keys.json`` changed; keep the current keys if unreadable."""
        if self.folder is None:
            return False
        self._checked_at = self._clock()
        try:
            raw = (self.folder / INDEX).read_bytes()
            if raw == self._index:
                return False
            keys = _read_keys(self.folder, raw)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("signing keys not reloaded", extra={"error": type(exc).__name__})
            return False
        with self._lock:
            self._keys, self._index = keys, raw
        log.info("signing keys reloaded", extra={"active_kid": keys[-1].kid})
        return True

    def rotate(self, access_ttl_s: float = DEFAULT_ACCESS_TTL_S,
               now: float | None = None) -> SigningKey:
        """Rotate in memory only (see :meth:`rotate_and_save`)."""
        self._keys = rotated(self._keys, access_ttl_s, time.time() if now is None else now)
        return self._keys[-1]

    def rotate_and_save(self, folder: Path, access_ttl_s: float,
                        now: float | None = None) -> SigningKey:
        """Rotate and save under the folder lock, starting from the folder's latest state
        when this set follows ``folder``. Nothing changes in memory if the save fails."""
        with _folder_lock(folder):
            if folder == self.folder:
                self.reload_if_changed()
            keys = rotated(self._keys, access_ttl_s, time.time() if now is None else now)
            raw = _write(folder, keys)
            with self._lock:
                self._keys = keys
                if folder == self.folder:
                    self._index = raw
        return keys[-1]

    def save(self, folder: Path) -> None:
        with _folder_lock(folder):
            raw = _write(folder, self._keys)
        if folder == self.folder:
            self._index = raw

    @classmethod
    def load(cls, folder: Path) -> KeySet:
        """The key set of an existing folder; :class:`KeyFolderError` if there is none."""
        try:
            raw = (folder / INDEX).read_bytes()
            keys = _read_keys(folder, raw)
        except FileNotFoundError:
            raise KeyFolderError(
                f"Folder kunci penandatangan token '{folder}' belum berisi kunci "
                f"({INDEX} tidak ada). Di produksi gateway tidak membuat kunci sendiri: buat "
                f"sekali di folder bersama semua replika (HALO_KEY_DIR) dengan "
                f"`python -m shared.auth.keys create {folder}` (lihat docs/operations.md)."
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFolderError(f"Folder kunci penandatangan token '{folder}' tidak terbaca "
                                 f"({type(exc).__name__}).") from None
        keyset = cls(keys, folder=folder)
        keyset._index = raw
        return keyset

    @classmethod
    def create(cls, folder: Path) -> KeySet:
        """A new folder with one key; :class:`FileExistsError` if it already has keys."""
        with _folder_lock(folder):
            if (folder / INDEX).exists():
                raise FileExistsError(str(folder / INDEX))
            _write(folder, [new_key()])
        return cls.load(folder)

    @classmethod
    def load_or_create(cls, folder: Path) -> KeySet:
        """Development and all-in-one: create the folder with one key on first use."""
        with _folder_lock(folder):
            if not (folder / INDEX).exists():
                _write(folder, [new_key()])
        return cls.load(folder)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialise writers of one folder, across processes and replicas (``flock``)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _write(folder: Path, keys: list[SigningKey]) -> bytes:
    """PEMs first, then the index (a reader never sees an index without its PEMs); PEMs of
    dropped keys last."""
    for key in keys:
        path = folder / f"{key.kid}.pem"
        if not path.exists():
            _atomic_write(path, key.pem())
    entries = [{"kid": k.kid, "retired_at": k.retired_at, "retain_until": k.retain_until}
               for k in keys]
    raw = json.dumps({"version": 2, "order": [k.kid for k in keys], "keys": entries},
                     indent=1).encode()
    _atomic_write(folder / INDEX, raw)
    kept = {f"{k.kid}.pem" for k in keys}
    for stale in folder.glob("*.pem"):
        if stale.name not in kept:
            stale.unlink(missing_ok=True)
    return raw


def _read_keys(folder: Path, raw: bytes) -> list[SigningKey]:
    data = json.loads(raw)
    entries = data.get("keys")
    if entries is None:  # the first format: {"order": [...]}, no retirement times
        order = list(data["order"])
        since = int((folder / INDEX).stat().st_mtime)
        entries = [{"kid": kid} if i == len(order) - 1 else
                   {"kid": kid, "retired_at": since,
                    "retain_until": since + DEFAULT_ACCESS_TTL_S + CLOCK_SKEW_S}
                   for i, kid in enumerate(order)]
    keys = []
    for entry in entries:
        kid = str(entry["kid"])
        if not _KID.match(kid):
            raise ValueError("invalid kid in the key index")
        private = serialization.load_pem_private_key((folder / f"{kid}.pem").read_bytes(),
                                                     password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 key")
        keys.append(SigningKey(kid=kid, private=private, retired_at=entry.get("retired_at"),
                               retain_until=entry.get("retain_until")))
    if not keys:
        raise ValueError("empty key index")
    return keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.auth.keys",
                                     description="The gateway's token signing keys.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make a new key folder with one key")
    create.add_argument("folder", type=Path)
    create.add_argument("--if-missing", action="store_true",
                        help="do nothing (exit 0) if the folder already has keys")
    rotate = commands.add_parser("rotate", help="rotate offline (the replicas reload)")
    rotate.add_argument("folder", type=Path)
    rotate.add_argument("--access-ttl", type=int,
                        default=int(os.environ.get("HALO_ACCESS_TTL_S") or DEFAULT_ACCESS_TTL_S))
    show = commands.add_parser("list", help="show the keys (kids and times, never the keys)")
    show.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            try:
                keyset = KeySet.create(args.folder)
            except FileExistsError:
                print(f"{args.folder} sudah berisi kunci; tidak diubah.", file=sys.stderr)
                return 0 if args.if_missing else 1
            print(f"kunci dibuat di {args.folder}: kid aktif {keyset.active.kid}")
        elif args.command == "rotate":
            keyset = KeySet.load(args.folder)
            key = keyset.rotate_and_save(args.folder, args.access_ttl)
            print(f"kid aktif sekarang {key.kid}")
        else:
            for key in KeySet.load(args.folder).keys:
                state = ("aktif" if key.retired_at is None
                         else f"pensiun {key.retired_at}, terbit sampai {key.retain_until}")
                print(f"{key.kid}  {state}")
    except (KeyFolderError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
