"""Password policy and Argon2id hashing.

Policy (every rule that fails is reported, each as its own code):

- ``password-too-short``: at least :data:`MIN_LENGTH` (10) characters;
  ``password-too-long``: at most :data:`MAX_LENGTH` (128), so hashing cost stays bounded;
- ``password-letters-digits``: at least one letter and one digit;
- ``password-personal``: must not contain the NIK, the e-mail address or its name part, or the
  phone number (in any of its 08…/628…/8… forms);
- ``password-common``: not a well-known password (case-insensitive, also with the digits
  or symbols at its end removed, so ``Password2026!`` counts as ``password``).

Hashes are Argon2id (argon2-cffi ``PasswordHasher``); verification runs in a worker thread
since it deliberately costs tens of milliseconds.
"""

from __future__ import annotations

import asyncio
import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from gateway.identity.settings import Argon2Params

MIN_LENGTH = 10
MAX_LENGTH = 128

COMMON_PASSWORDS = frozenset("""
password passw0rd password1 password123 p@ssw0rd p@ssword qwerty qwertyuiop qwerty123
asdfghjkl zxcvbnm 1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsx abc123 abcd1234 abcdef123 admin
admin123 administrator welcome welcome1 letmein iloveyou sayang sayangku cintaku cinta
bismillah alhamdulillah indonesia indonesia1 merdeka jakarta lampung lampungselatan
kalianda rahasia rahasia123 katasandi sandi123 ganteng cantik anjing kucing doraemon
sukses bangsa garuda pancasila persija persib monkey dragon football baseball superman
batman master shadow sunshine princess trustno1 starwars freedom whatever changeme
halolamsel halo lamsel demo test testing test123 user user123 login default secret
qwe123 aa123456 zaq12wsx 123qwe 123abc abc12345 a1b2c3d4 asd123 asdasd
""".split())
"""A small built-in list (global top passwords plus local favourites); long digit-only
passwords are already refused by the letters-and-digits rule."""

_TRAILING = re.compile(r"[\d\W_]+$")


def check_password(password: str, *, nik: str | None = None, email: str | None = None,
                   phone: str | None = None) -> list[str]:
    """Problem codes of ``password`` under the policy ([] when it is acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append("password-too-short")
    elif len(password) > MAX_LENGTH:
        problems.append("password-too-long")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append("password-letters-digits")
    if _contains_personal(password, nik, email, phone):
        problems.append("password-personal")
    lowered = password.lower()
    base = _TRAILING.sub("", lowered)
    if lowered in COMMON_PASSWORDS or base in COMMON_PASSWORDS:
        problems.append("password-common")
    return problems


def _contains_personal(password: str, nik: str | None, email: str | None,
                       phone: str | None) -> bool:
    lowered = password.lower()
    digits = "".join(ch for ch in password if ch.isdigit())
    if nik and (nik in digits or nik in lowered):
        return True
    if email:
        local = email.lower().split("@", 1)[0]
        if email.lower() in lowered or (len(local) >= 4 and local in lowered):
            return True
    if phone:
        national = phone.removeprefix("+62")
        if len(national) >= 6 and national in digits:
            return True
    return False


class Passwords:
    """Argon2id hashing and verification, off the event loop."""

    def __init__(self, params: Argon2Params) -> None:
        self.hasher = PasswordHasher(time_cost=params.time_cost, memory_cost=params.memory_kib,
                                     parallelism=params.parallelism, type=Type.ID)
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, stored: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self.hasher.verify, stored, password)
        except (VerificationError, InvalidHashError):
            return False

    async def verify_nothing(self, password: str) -> None:
        """Spend the same time as a real check, for logins of unknown accounts."""
        if self._dummy is None:
            self._dummy = await self.hash("halo-lamsel-dummy-0")
        await self.verify(self._dummy, password)

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True
