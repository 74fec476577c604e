"""Contact fields and the password policy (pure functions), and Argon2id hashing."""

from __future__ import annotations

import pytest

from gateway.identity.fields import check_name, normalize_email, normalize_phone
from gateway.identity.passwords import Passwords, check_password
from tests.gateway.identity.support import FAST_ARGON2


@pytest.mark.parametrize("raw", ["081234567890", "0812-3456-7890", "0812 3456 7890",
                                 "6281234567890", "+6281234567890", "+62 812-3456-7890",
                                 "(0812) 3456 7890"])
def test_whatsapp_numbers_are_normalised_to_plus_62(raw: str) -> None:
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "12345", "0212345678", "+6221234567", "+1 202 555 0100",
                                 "0812", "08123456789012345", "08123abc890", "8123456789"])
def test_non_mobile_or_foreign_numbers_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_emails_are_lower_cased_and_checked() -> None:
    assert normalize_email("  Rina.W@Example.ID ") == "rina.w@example.id"
    assert normalize_email("operator.disdukcapil@demo.halo.lamsel") is not None
    assert normalize_email("kepala_dinas.bkd@demo.halo.lamsel") is not None
    for bad in ["rina", "rina@", "@example.id", "rina@example", "ri na@example.id",
                "rina@exa mple.id", "rina@-example.id", "a" * 65 + "@example.id"]:
        assert normalize_email(bad) is None, bad


def test_names() -> None:
    assert check_name("Rina Wulandari") is None
    assert check_name("I Gusti Ngurah Rai") is None
    assert check_name("Ni'mah Al-Fatih, S.Pd.") is None
    assert check_name("R2D2") == "name-format"
    assert check_name("x") == "name-format"
    assert check_name("a" * 101) == "name-too-long"


def test_a_good_password_passes() -> None:
    assert check_password("Kalianda-Pagi-42", nik="1801014507900003",
                          email="rina@example.id", phone="+6281234567890") == []


@pytest.mark.parametrize(("password", "problem"), [
    ("Pendek1", "password-too-short"),
    ("x" * 120 + "1" * 9, "password-too-long"),
    ("hanyahurufsaja", "password-letters-digits"),
    ("12345678901234", "password-letters-digits"),
    ("Password2026!", "password-common"),
    ("bismillah123", "password-common"),
    ("QWERTY12345", "password-common"),
    ("Rina1801014507900003", "password-personal"),
    ("rina@example.id1", "password-personal"),
    ("Rina-Kalianda-9", "password-personal"),
    ("HP81234567890x", "password-personal"),
    ("wa081234567890", "password-personal"),
])
def test_each_policy_rule(password: str, problem: str) -> None:
    found = check_password(password, nik="1801014507900003", email="rina@example.id",
                           phone="+6281234567890")
    assert problem in found


async def test_hashes_are_argon2id_and_salted() -> None:
    passwords = Passwords(FAST_ARGON2)
    first = await passwords.hash("Kalianda-Pagi-42")
    second = await passwords.hash("Kalianda-Pagi-42")
    assert first.startswith("$argon2id$") and first != second
    assert await passwords.verify(first, "Kalianda-Pagi-42")
    assert not await passwords.verify(first, "Kalianda-Pagi-43")
    assert not await passwords.verify("not-a-hash", "Kalianda-Pagi-42")
