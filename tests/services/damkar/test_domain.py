"""The pure damkar rules, with hand-computed examples: haversine distance, the nearest post,
the regency's box, the posts data, the response-time figures."""

from __future__ import annotations

import math

import pytest

from services.damkar.domain import (
    Box,
    Post,
    distance_km,
    inside,
    load_posts,
    nearest,
    normalise_phone,
)
from services.damkar.response_time import STANDARD_MINUTES, figures, median, percentile

KECAMATAN = {"Kalianda", "Natar", "Jati Agung", "Tanjung Bintang", "Sidomulyo", "Katibung",
             "Penengahan", "Bakauheni", "Sragi", "Palas", "Way Panji", "Candipuro", "Way Sulan",
             "Ketapang", "Rajabasa", "Merbau Mataram", "Tanjung Sari"}


def test_one_degree_of_latitude() -> None:
    """Along a meridian the distance is R * dlat: 6371 * pi / 180 = 111.19493 km."""
    assert distance_km(-5.0, 105.0, -6.0, 105.0) == pytest.approx(111.19493, abs=1e-4)
    assert distance_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19493, abs=1e-4)


def test_one_degree_each_way_at_the_equator() -> None:
    """(0,0)-(1,1): a = sin²(0.5°) + cos 0 · cos 1° · sin²(0.5°)
    = 7.61524e-5 + 0.9998477 · 7.61524e-5 = 1.522932e-4; c = 2 asin(sqrt a) = 0.0246826 rad;
    d = 6371 · 0.0246826 = 157.25 km."""
    assert distance_km(0.0, 0.0, 1.0, 1.0) == pytest.approx(157.25, abs=0.01)


def test_a_point_a_few_hundred_metres_from_the_kalianda_post() -> None:
    """(-5.7300, 105.6000) to the post (-5.7290, 105.5990): dy = 0.001° · 111.195 = 0.11119
    km, dx = 0.001° · 111.195 · cos 5.7295° = 0.11064 km; d = sqrt(0.012364 + 0.012242)
    = 0.15686 km (the sphere is flat at this scale)."""
    assert distance_km(-5.7300, 105.6000, -5.7290, 105.5990) == pytest.approx(0.15686,
                                                                              abs=1e-4)
    assert distance_km(1.0, 2.0, 1.0, 2.0) == 0.0


def test_nearest_post_and_ties() -> None:
    a = Post("a", "A", ("X",), 0.0, 0.0, "1")
    b = Post("b", "B", ("Y",), 0.0, 1.0, "2")
    post, km = nearest((b, a), 0.0, 0.4)
    assert post.id == "a" and km == pytest.approx(0.4 * 111.19493, abs=1e-3)
    assert nearest((b, a), 0.0, 0.5)[0].id == "a"  # equal distance: the smaller id
    assert nearest((a, b), 0.0, 0.6)[0].id == "b"


def test_the_posts_of_lampung_selatan() -> None:
    posts = load_posts()
    served = [k for p in posts.posts for k in p.kecamatan]
    assert sorted(served) == sorted(KECAMATAN)  # every kecamatan, each exactly once
    for post in posts.posts:
        assert inside(posts.box, post.lat, post.lon), post.id
    kalianda = posts.get("pos-kalianda")
    assert kalianda is not None and "Kalianda" in kalianda.kecamatan
    assert nearest(posts.posts, -5.8680, 105.7520)[0].id == "pos-bakauheni"  # the port
    assert nearest(posts.posts, -5.2400, 105.1800)[0].id == "pos-natar"  # the airport
    assert posts.get("pos-nowhere") is None


def test_the_regency_box() -> None:
    box = Box(-6.0, -5.1, 105.1, 106.0)
    assert inside(box, -5.73, 105.6) and inside(box, -6.0, 106.0)
    assert not inside(box, -6.2, 106.8)  # Jakarta
    assert not inside(box, -5.73, 104.9) and not inside(box, -5.0, 105.5)


def test_phone_normalisation() -> None:
    assert normalise_phone("0812-3456-7890") == "+6281234567890"
    assert normalise_phone("+62 812 3456 7890") == "+6281234567890"
    assert normalise_phone("6281234567890") == "+6281234567890"
    for bad in ("0212345678", "+1 202 555 0100", "08123", "", "0812345678901234"):
        assert normalise_phone(bad) is None


def test_median_and_nearest_rank_p90() -> None:
    """[4, 8, 12, 20]: median (8 + 12) / 2 = 10; p90 rank ceil(0.9 · 4) = 4 -> 20.
    [5, 1, 3]: median 3; p90 rank ceil(2.7) = 3 -> 5."""
    assert median([4, 8, 12, 20]) == 10 and percentile([4, 8, 12, 20], 90) == 20
    assert median([5, 1, 3]) == 3 and percentile([5, 1, 3], 90) == 5
    assert median([]) is None and percentile([], 90) is None
    values = list(range(1, 11))  # 1..10: p90 rank 9 -> 9
    assert percentile(values, 90) == 9


def test_figures_of_one_post() -> None:
    """Minutes 9, 15, 16, 30 and one not arrived: 4 arrived, within 15 = 2 (9 and 15, the
    bound included), share 2/4 = 0.5, median (15 + 16) / 2 = 15.5, p90 rank ceil(3.6) = 4 ->
    30, 1 pending."""
    f = figures("pos-x", [9, 15, None, 16, 30])
    assert STANDARD_MINUTES == 15
    assert (f.reports, f.arrived, f.within, f.share, f.pending) == (5, 4, 2, 0.5, 1)
    assert f.median_min == 15.5 and f.p90_min == 30
    empty = figures("pos-y", [None])
    assert empty.share is None and empty.median_min is None and empty.pending == 1
    assert math.isclose(figures("z", [1, 2, 40]).share or 0, 0.6667)
