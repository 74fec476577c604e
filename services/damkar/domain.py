"""Pure rules of the damkar service: fire posts, the nearest post, the regency's box, the
reporter's number.

- :func:`distance_km`: great-circle distance (haversine, mean Earth radius 6 371 km).
- :func:`nearest`: the post closest to a point (ties: the smaller post id).
- :func:`inside`: whether a point lies in the regency's bounding box.
- :func:`normalise_phone` / :func:`phone_sha256`: an Indonesian mobile number as
  ``+628…`` and its SHA-256, exactly as the gateway's one-time code part computes them (the
  reporter's token carries that hash).
Posts and the box are data (``posts.yaml``, the regency's choice, approximate coordinates).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

EARTH_RADIUS_KM = 6371.0
POSTS_FILE = Path(__file__).with_name("posts.yaml")
_PHONE = re.compile(r"^\+628\d{7,11}$")


@dataclass(frozen=True)
class Post:
    id: str
    name: str
    kecamatan: tuple[str, ...]
    lat: float
    lon: float
    phone: str


@dataclass(frozen=True)
class Box:
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float


@dataclass(frozen=True)
class Posts:
    regency: str
    box: Box
    posts: tuple[Post, ...]

    def get(self, post_id: str) -> Post | None:
        return next((p for p in self.posts if p.id == post_id), None)


def parse_posts(data: dict[str, Any]) -> Posts:
    posts = tuple(Post(id=str(p["id"]), name=str(p["name"]),
                       kecamatan=tuple(str(k) for k in p["kecamatan"]), lat=float(p["lat"]),
                       lon=float(p["lon"]), phone=str(p["phone"])) for p in data["posts"])
    if not posts or len({p.id for p in posts}) != len(posts):
        raise ValueError("posts.yaml: at least one post, ids unique")
    return Posts(regency=str(data["regency"]), box=Box(**data["bounding_box"]), posts=posts)


@cache
def load_posts(path: Path = POSTS_FILE) -> Posts:
    return parse_posts(yaml.safe_load(path.read_text(encoding="utf-8")))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(posts: tuple[Post, ...], lat: float, lon: float) -> tuple[Post, float]:
    """The nearest post and its distance in km."""
    return min(((p, distance_km(lat, lon, p.lat, p.lon)) for p in posts),
               key=lambda pair: (pair[1], pair[0].id))


def inside(box: Box, lat: float, lon: float) -> bool:
    return box.lat_min <= lat <= box.lat_max and box.lon_min <= lon <= box.lon_max


def normalise_phone(value: str) -> str | None:
    """``08…``, ``628…`` or ``+628…`` (spaces, dots, dashes, brackets allowed) as ``+628…``."""
    digits = "".join(ch for ch in value.strip() if ch not in " .-()\t")
    for prefix in ("+62", "62", "0"):
        if digits.startswith(prefix):
            phone = "+62" + digits[len(prefix):]
            return phone if _PHONE.match(phone) else None
    return None


def phone_sha256(phone: str) -> str:
    return hashlib.sha256(phone.encode()).hexdigest()
