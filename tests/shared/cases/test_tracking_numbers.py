"""Tracking numbers (``shared.cases.tracking``): ``<service code>-XXXX-XXXX``, 40 random bits
in Crockford base32, read over the phone and typed back in any case, with or without
dashes, O/I/L taken for 0/1/1; unique (random, plus the service's unique index and a retry)
and never a sequence.

The module has no check character: a mistyped number is simply another well-formed number
(looked up, not found), so there is no typo detection to test here.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from gateway.settings import SERVICES
from shared.cases import service as case_service
from shared.cases.tracking import PATTERN, SERVICE_CODES, new_tracking_no, normalise
from tests.support.apps import rolled_back, running, service_settings, wiring
from tests.support.tokens import TestTokens

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""The 32 symbols of Crockford base32: digits and letters without I, L, O and U."""
AMBIGUOUS = "ILOU"
SAMPLE = 100_000


@pytest.fixture(scope="module")
def numbers() -> list[str]:
    """100 000 numbers in the order they were drawn."""
    return [new_tracking_no("dukcapil") for _ in range(SAMPLE)]


def body(number: str) -> str:
    return number[3:7] + number[8:]


def value(number: str, *, little_endian: bool) -> int:
    digits = body(number)
    if little_endian:
        digits = digits[::-1]
    out = 0
    for char in digits:
        out = out * 32 + CROCKFORD.index(char)
    return out


# --- form and alphabet ---------------------------------------------------------------------

def test_alphabet_is_crockford_base32_without_ambiguous_letters() -> None:
    assert len(CROCKFORD) == len(set(CROCKFORD)) == 32
    assert not set(AMBIGUOUS) & set(CROCKFORD)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_its_own_two_letter_code(service: str) -> None:
    code = SERVICE_CODES[service]
    assert len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
    assert list(SERVICE_CODES.values()).count(code) == 1
    number = new_tracking_no(service)
    assert number.startswith(f"{code}-")
    assert PATTERN.fullmatch(number), number


def test_codes_are_distinct_so_numbers_are_unique_across_services() -> None:
    assert len(set(SERVICE_CODES.values())) == len(SERVICE_CODES)
    assert set(SERVICES) <= set(SERVICE_CODES)


def test_form_length_and_alphabet(numbers: list[str]) -> None:
    seen: Counter[str] = Counter()
    for number in numbers:
        assert len(number) == 12, number
        assert number[:3] == "DK-" and number[7] == "-", number
        assert PATTERN.fullmatch(number), number
        seen.update(body(number))
    assert set(seen) == set(CROCKFORD)  # every symbol is used, and only those
    assert not set(seen) & set(AMBIGUOUS + "abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize("text", [
    "DK-7MQ3-XA9I", "DK-7MQ3-XA9L", "DK-7MQ3-XA9O", "DK-7MQ3-XA9U",  # ambiguous letters
    "dk-7mq3-xa9t", "DK7MQ3XA9T", "DK-7MQ3XA9T", "DK-7MQ-3XA9T", "DK-7MQ3-XA9", "DK-7MQ3-XA9TT",
    "D-7MQ3-XA9T", "DKX-7MQ3-XA9T", "12-7MQ3-XA9T", " DK-7MQ3-XA9T", "DK 7MQ3 XA9T",
    "DK_7MQ3_XA9T", "",
])
def test_pattern_accepts_only_the_canonical_form(text: str) -> None:
    assert PATTERN.fullmatch(text) is None
    assert PATTERN.fullmatch("DK-7MQ3-XA9T")


# --- normalising what a caller types ---------------------------------------------------------

@pytest.mark.parametrize(("typed", "canonical"), [
    ("DK-7MQ3-XA9T", "DK-7MQ3-XA9T"),
    ("dk-7mq3-xa9t", "DK-7MQ3-XA9T"),
    ("Dk-7Mq3-xA9t", "DK-7MQ3-XA9T"),
    ("DK7MQ3XA9T", "DK-7MQ3-XA9T"),
    ("dk 7mq3 xa9t", "DK-7MQ3-XA9T"),
    ("DK - 7MQ3 - XA9T", "DK-7MQ3-XA9T"),
    ("DK--7MQ3--XA9T", "DK-7MQ3-XA9T"),
    ("DK\t7MQ3\u00a0XA9T", "DK-7MQ3-XA9T"),
    ("DK\u20137MQ3\u2013XA9T", "DK-7MQ3-XA9T"),  # en dash, as phone keyboards type "--"
    ("DK\u20147MQ3\u2014XA9T", "DK-7MQ3-XA9T"),  # em dash
    ("dk.7mq3.xa9t", "DK-7MQ3-XA9T"),
    ("DK_7MQ3_XA9T", "DK-7MQ3-XA9T"),
    ("DK-1O0I-L1lo", "DK-1001-1110"),  # O -> 0, I and L -> 1, either case
    ("dk-oooo-iiii", "DK-0000-1111"),
    ("iz-l0i0-o1o1", "IZ-1010-0101"),  # the code "IZ" keeps its I: only the body is read
    ("pg-o1l0-abcd", "PG-0110-ABCD"),
    ("UM-0000-0000", "UM-0000-0000"),
])
def test_normalise_reads_a_number_as_typed(typed: str, canonical: str) -> None:
    assert normalise(typed) == canonical
    assert PATTERN.fullmatch(normalise(typed))
    assert normalise(canonical) == canonical


@pytest.mark.parametrize("typed", ["DK-7MQ3-XA9", "dk-7mq3-xa9tt", "x", "", "DK/7MQ3/XA9T",
                                   "tidak ada"])
def test_normalise_leaves_what_is_not_a_number_unmatched(typed: str) -> None:
    assert normalise(typed) == typed.upper()
    assert PATTERN.fullmatch(normalise(typed)) is None


def spoken_variants(number: str, rng: random.Random) -> Iterator[str]:
    """Ways a caller might type ``number`` back: case, dashes, spaces, O/I/L for 0/1."""
    for _ in range(5):
        chars = []
        for char in number:
            if char == "0" and rng.random() < 0.5:
                char = rng.choice("Oo")
            elif char == "1" and rng.random() < 0.5:
                char = rng.choice("IiLl")
            elif char.isalpha() and rng.random() < 0.5:
                char = char.lower()
            chars.append(char)
        text = "".join(chars)
        yield rng.choice([text, text.replace("-", ""), text.replace("-", " "),
                          text.replace("-", " - "), f"  {text}  "])


def test_every_generated_number_survives_being_read_back(numbers: list[str]) -> None:
    rng = random.Random(20261130)
    for service in SERVICES:
        for _ in range(200):
            number = new_tracking_no(service)
            for typed in spoken_variants(number, rng):
                assert normalise(typed) == number, (typed, number)
    for number in numbers[:2000]:
        assert normalise(number) == number
        assert normalise(number.lower().replace("-", "")) == number


# --- uniqueness -------------------------------------------------------------------------------

def test_100k_numbers_are_unique_up_to_the_birthday_bound(numbers: list[str]) -> None:
    # 40 random bits: the expected number of repeats among 100 000 draws is
    # n^2 / 2^41 ~ 0.0045; three or more (p ~ 1.5e-8) would mean far fewer than 40 bits.
    # The service's unique index and retry (next test) turn "almost" into "always".
    repeats = len(numbers) - len(set(numbers))
    assert repeats <= 2, repeats


async def test_a_repeated_number_is_retried_by_the_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.dukcapil.app import create_app

    tokens = TestTokens()
    citizen = tokens.headers("warga-a", "citizen")
    form = {"nik_anak": "1801014505240001", "nama_anak": "Siti Aminah",
            "tanggal_lahir_anak": "2024-05-05", "nomor_kk": "1801012202200003",
            "pengambilan": "ambil_di_mpp"}
    drawn = iter(["DK-7MQ3-XA9T", "DK-7MQ3-XA9T", "DK-7MQ3-XA9T", "DK-H2C4-0PQR"])
    calls: list[str] = []

    def scripted(service: str) -> str:
        calls.append(service)
        return next(drawn)

    monkeypatch.setattr(case_service, "new_tracking_no", scripted)
    settings = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'dk.db'}",
                                tmp_path)
    app = create_app(settings, wiring(tokens))
    async with running(app) as client, rolled_back(app):
        opened = []
        for _ in range(2):
            response = await client.post(
                "/cases", headers=citizen,
                files={"berkas_persyaratan": ("berkas.pdf", b"%PDF-1.4 x", "application/pdf")},
                data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun",
                                          "form": form})})
            assert response.status_code == 201, response.text
            opened.append(response.json())
        mine = (await client.get("/cases", headers=citizen)).json()
    assert [c["tracking_no"] for c in opened] == ["DK-7MQ3-XA9T", "DK-H2C4-0PQR"]
    assert calls == ["dukcapil"] * 4  # the second case drew three times
    assert mine["total"] == 2
    assert sorted(c["tracking_no"] for c in mine["items"]) == ["DK-7MQ3-XA9T", "DK-H2C4-0PQR"]


# --- not a sequence ---------------------------------------------------------------------------

@pytest.mark.parametrize("little_endian", [True, False])
def test_consecutive_numbers_do_not_count_up(numbers: list[str], little_endian: bool) -> None:
    # Read as a number either way round, a counter goes up every time (or nearly: it may
    # wrap once); random draws go up about half of the time (sd 0.0016 over 100 000 pairs).
    values = [value(n, little_endian=little_endian) for n in numbers]
    ups = sum(b > a for a, b in pairwise(values)) / (len(values) - 1)
    assert 0.47 < ups < 0.53, ups
    steps = Counter(b - a for a, b in pairwise(values))
    assert steps.most_common(1)[0][1] <= 3  # no common stride either


def test_consecutive_numbers_share_almost_no_characters(numbers: list[str]) -> None:
    # Consecutive counter values differ in about one character; independent random ones in
    # 8 * 31/32 = 7.75 positions on average (sd of the mean over 100 000 pairs ~ 0.002).
    distance = sum(sum(x != y for x, y in zip(body(a), body(b), strict=True))
                   for a, b in pairwise(numbers)) / (len(numbers) - 1)
    assert distance > 7.6, distance


def test_every_position_is_uniform(numbers: list[str]) -> None:
    # A chi-squared test per position (31 degrees of freedom, mean 31, sd ~7.9): 120 is
    # beyond p < 1e-10. A counter leaves its high positions almost constant.
    expected = len(numbers) / 32
    for position in range(8):
        counts = Counter(body(n)[position] for n in numbers)
        chi2 = sum((counts.get(c, 0) - expected) ** 2 / expected for c in CROCKFORD)
        assert chi2 < 120, (position, chi2)


def test_a_counter_would_fail_these_checks() -> None:
    """The checks above are not vacuous: a sequence encoded the same way fails each one."""
    start = 123_456_789
    counted = []
    for i in range(1000):
        bits = start + i
        chars = "".join(CROCKFORD[(bits >> (5 * k)) & 31] for k in range(8))
        counted.append(f"DK-{chars[:4]}-{chars[4:]}")
    values = [value(n, little_endian=True) for n in counted]
    assert sum(b > a for a, b in pairwise(values)) == len(values) - 1
    distance = sum(sum(x != y for x, y in zip(body(a), body(b), strict=True))
                   for a, b in pairwise(counted)) / (len(counted) - 1)
    assert distance < 1.1
    top = Counter(body(n)[7] for n in counted)
    assert len(top) == 1
